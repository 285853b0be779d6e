using Florence2.Inference.VisionCache;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Florence2.Inference;

/// <summary>The vision stage of a batch: each distinct image encoded once, cached features reused.</summary>
public sealed partial class Florence2Engine
{
    /// <summary>
    /// Builds <c>image_features</c> [rows, image tokens, hidden] for a batch's live rows. Rows showing the same image
    /// (the same <see cref="IPixelSource"/>, as the tasks of one analyze call do, or — with the cache — the same
    /// pixels) share one encoder pass, and images the cache holds skip it; the encoder sees only what is left.
    /// </summary>
    private sealed class VisionPass(Florence2Engine engine, RunOptions runOptions)
    {
        private readonly int _perImage = 3 * engine._imageSize.Width * engine._imageSize.Height;

        /// <summary>Distinct images that ran through the encoder.</summary>
        public int Encoded { get; private set; }

        /// <summary>Distinct images whose features came from the cache.</summary>
        public int CacheHits { get; private set; }

        /// <summary>Per row, where its features came from (set by <see cref="Run"/>).</summary>
        public VisionFeatureSource[] RowSources { get; private set; } = [];

        public OrtValue Run(IReadOnlyList<EngineRequest> requests)
        {
            var rows = requests.Select(r => r.Image).ToArray();
            var (distinct, imageOfRow) = Distinct(rows);
            var cache = requests.All(r => r.UseVisionCache) ? engine._visionCache : null;
            if (cache is null && distinct.Count == rows.Length)
            {
                RowSources = new VisionFeatureSource[rows.Length]; // all Encoded
                return EncodeAll(rows);
            }

            // Each distinct image: its pixels, then (with the cache) its key, a same-key image of this batch or a hit.
            // Pixels and features live in native tensors: 7 MB per image would otherwise churn the large object heap.
            var (width, height) = engine._imageSize;
            using var pixels = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float,
                [distinct.Count, 3, height, width]);
            var features = new float[distinct.Count][];
            var keys = new VisionFeatureKey[distinct.Count];
            var sameAs = Enumerable.Range(0, distinct.Count).ToArray();
            var firstWithKey = new Dictionary<VisionFeatureKey, int>();
            var toEncode = new List<int>();
            for (int image = 0; image < distinct.Count; image++)
            {
                var slot = pixels.GetTensorMutableDataAsSpan<float>().Slice(image * _perImage, _perImage);
                distinct[image].WritePixelValues(slot, width, height);
                if (cache is null)
                {
                    toEncode.Add(image);
                    continue;
                }
                keys[image] = VisionFeatureKey.Of(engine._modelIdentity, slot);
                if (firstWithKey.TryGetValue(keys[image], out int first))
                {
                    sameAs[image] = first;
                    continue;
                }
                firstWithKey[keys[image]] = image;
                if (cache.TryGet(keys[image], out var cached))
                {
                    features[image] = cached;
                    CacheHits++;
                }
                else
                {
                    toEncode.Add(image);
                }
            }

            EncodeInto(toEncode, pixels, features);
            foreach (int image in toEncode) cache?.Add(keys[image], features[image]);

            var encoded = new bool[distinct.Count];
            foreach (int image in toEncode) encoded[image] = true;
            RowSources = SourcesOf(imageOfRow, sameAs, encoded);
            int featureLength = features[sameAs[0]].Length;
            int hidden = engine.Dimensions.HiddenSize;
            var all = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float,
                [rows.Length, featureLength / hidden, hidden]);
            var allData = all.GetTensorMutableDataAsSpan<float>();
            for (int r = 0; r < rows.Length; r++)
                features[sameAs[imageOfRow[r]]].CopyTo(allData.Slice(r * featureLength, featureLength));
            return all;
        }

        /// <summary>The original path: every row's pixels into one tensor, output left where the device put it.</summary>
        private OrtValue EncodeAll(IPixelSource[] rows)
        {
            var (width, height) = engine._imageSize;
            using var pixels = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float,
                [rows.Length, 3, height, width]);
            var all = pixels.GetTensorMutableDataAsSpan<float>();
            for (int r = 0; r < rows.Length; r++)
                rows[r].WritePixelValues(all.Slice(r * _perImage, _perImage), width, height);
            Encoded = rows.Length;
            Interlocked.Add(ref engine._visionImagesEncoded, rows.Length);
            return Vision(pixels, engine._deviceMemory);
        }

        /// <summary>
        /// Runs the encoder in one pass on the listed images of <paramref name="pixels"/> (all of them as they are, or a
        /// copy of just those) and copies each one's features to the host.
        /// </summary>
        private void EncodeInto(List<int> images, OrtValue pixels, float[][] features)
        {
            if (images.Count == 0) return;
            var (width, height) = engine._imageSize;
            int distinct = (int)pixels.GetTensorTypeAndShape().Shape[0];
            OrtValue? subset = null;
            if (images.Count != distinct)
            {
                subset = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [images.Count, 3, height, width]);
                var from = pixels.GetTensorDataAsSpan<float>();
                var to = subset.GetTensorMutableDataAsSpan<float>();
                for (int i = 0; i < images.Count; i++) from.Slice(images[i] * _perImage, _perImage).CopyTo(to.Slice(i * _perImage, _perImage));
            }
            using (subset)
            using (var output = Vision(subset ?? pixels, OrtMemoryInfo.DefaultInstance))
            {
                var data = output.GetTensorDataAsSpan<float>();
                int length = data.Length / images.Count;
                for (int i = 0; i < images.Count; i++) features[images[i]] = data.Slice(i * length, length).ToArray();
            }
            Encoded = images.Count;
            Interlocked.Add(ref engine._visionImagesEncoded, images.Count);
        }

        private OrtValue Vision(OrtValue pixelValues, OrtMemoryInfo outputMemory)
        {
            using var binding = engine._sessions.Vision.CreateIoBinding();
            binding.BindInput("pixel_values", pixelValues);
            binding.BindOutputToDevice("image_features", outputMemory);
            return engine._sessions.Vision.RunWithBoundResults(runOptions, binding).Single();
        }

        /// <summary>
        /// Marks the first row of each encoded image Encoded, the other rows that use its features Shared, and every
        /// row of an image taken from the cache Cached.
        /// </summary>
        private static VisionFeatureSource[] SourcesOf(int[] imageOfRow, int[] sameAs, bool[] encoded)
        {
            var sources = new VisionFeatureSource[imageOfRow.Length];
            var claimed = new HashSet<int>();
            for (int r = 0; r < imageOfRow.Length; r++)
            {
                int owner = sameAs[imageOfRow[r]];
                sources[r] = !encoded[owner] ? VisionFeatureSource.Cached
                    : claimed.Add(owner) ? VisionFeatureSource.Encoded
                    : VisionFeatureSource.Shared;
            }
            return sources;
        }

        /// <summary>The distinct sources (by reference) and, per row, the index of its source among them.</summary>
        private static (List<IPixelSource> Distinct, int[] ImageOfRow) Distinct(IPixelSource[] rows)
        {
            var distinct = new List<IPixelSource>();
            var imageOfRow = new int[rows.Length];
            for (int r = 0; r < rows.Length; r++)
            {
                int index = distinct.FindIndex(source => ReferenceEquals(source, rows[r]));
                if (index < 0)
                {
                    index = distinct.Count;
                    distinct.Add(rows[r]);
                }
                imageOfRow[r] = index;
            }
            return (distinct, imageOfRow);
        }
    }
}
