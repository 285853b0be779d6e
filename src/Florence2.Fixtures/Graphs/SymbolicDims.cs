namespace Florence2.Fixtures.Graphs;

/// <summary>dim_param names as in the onnx-community export.</summary>
internal static class SymbolicDims
{
    public const string Batch = "batch_size";
    public const string Height = "height";
    public const string Width = "width";
    public const string SequenceLength = "sequence_length";
    public const string EncoderSequenceLength = "encoder_sequence_length";
    public const string DecoderSequenceLength = "decoder_sequence_length";
    public const string PastDecoderSequenceLength = "past_decoder_sequence_length";
    public const string PresentDecoderSequenceLength = "past_decoder_sequence_length + 1";
    public const string EncoderSequenceLengthOut = "encoder_sequence_length_out";
}
