// transformers.js peer for the Florence2Service benchmark (src/Florence2.Benchmark runs it; see docs/benchmarks.md).
// Loads a Florence-2 model folder (onnx-community layout) OFFLINE, then times caption requests at batch 1, greedy,
// with a fixed number of new tokens (EOS suppressed until then). Prints one JSON line on stdout as its last line.
//
//   node bench.mjs --model /path/to/model-folder --image /path/to/image.jpg --tokens 128 --repeats 5 [--threads 0]
//                  [--dtype fp32|fp16|q8|int8|uint8|q4|q4f16|bnb4] [--clients 1]
// --dtype is transformers.js' own from_pretrained option (it picks decoder_model_merged_q4.onnx …, the hub's suffixes);
// --clients N runs N generate() loops at once in this process (closed loop, like the service benchmark's clients).
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { env, AutoProcessor, Florence2ForConditionalGeneration, RawImage } from '@huggingface/transformers';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const modelFolder = path.resolve(args.model);
const tokens = Number(args.tokens ?? 128);
const repeats = Number(args.repeats ?? 5);
const threads = Number(args.threads ?? 0);
const dtype = args.dtype ?? 'fp32';
const clients = Number(args.clients ?? 1);

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = path.dirname(modelFolder) + path.sep;
const modelId = path.basename(modelFolder);

const loadStart = performance.now();
const sessionOptions = threads > 0 ? { intraOpNumThreads: threads } : undefined;
const model = await Florence2ForConditionalGeneration.from_pretrained(modelId, {
  dtype, device: 'cpu', ...(sessionOptions ? { session_options: sessionOptions } : {}),
});
const processor = await AutoProcessor.from_pretrained(modelId);
const loadMs = performance.now() - loadStart;

async function once() {
  const started = performance.now();
  const image = await RawImage.read(path.resolve(args.image));
  const prompts = processor.construct_prompts('<CAPTION>');
  const inputs = await processor(image, prompts);
  const output = await model.generate({
    ...inputs,
    max_new_tokens: tokens,
    min_new_tokens: tokens,
    num_beams: 1,
    do_sample: false,
  });
  const ms = performance.now() - started;
  // output: decoder ids [1, 1 + generated] (decoder start token first)
  const generated = output.dims[1] - 1;
  return { ms, generated };
}

await once(); // warm-up: first run allocates arenas
const latenciesMs = [];
const generatedTokens = [];
let issued = 0;
const wallStart = performance.now();
await Promise.all(Array.from({ length: clients }, async () => {
  while (issued++ < repeats) {
    const { ms, generated } = await once();
    latenciesMs.push(ms);
    generatedTokens.push(generated);
    process.stderr.write(`  transformers.js ${dtype} c${clients} request ${latenciesMs.length}/${repeats}: ${ms.toFixed(0)} ms, ${generated} tokens\n`);
  }
}));
const wallMs = performance.now() - wallStart;
console.log(JSON.stringify({ library: '@huggingface/transformers', version: '4.3.1', dtype, clients, loadMs, wallMs, latenciesMs, generatedTokens }));
