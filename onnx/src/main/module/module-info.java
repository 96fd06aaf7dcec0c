/**
 * The ONNX runtime over the {@code Backend} seam and the exporter of simdnn models. Models and tensors are part of
 * this API, so the nn module comes with it ({@code requires transitive}); the generated protobuf classes
 * ({@code org.simdnn.onnx.proto}) stay inside.
 */
module org.simdnn.onnx {
    requires transitive org.simdnn.nn;
    requires com.google.protobuf; // the ONNX wire format

    exports org.simdnn.onnx;
    exports org.simdnn.onnx.export;
}
