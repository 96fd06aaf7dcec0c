/**
 * Layers, losses, optimizers, data loading, training and save/load over the {@code Backend} seam. Tensors and
 * backends are part of this API, so the kernels module comes with it ({@code requires transitive}).
 */
module org.simdnn.nn {
    requires transitive org.simdnn.kernels;
    requires com.google.gson; // the safetensors header and the architecture in its metadata

    exports org.simdnn.nn;
    exports org.simdnn.nn.data;
    exports org.simdnn.nn.init;
    exports org.simdnn.nn.io;
    exports org.simdnn.nn.loss;
    exports org.simdnn.nn.optim;
    exports org.simdnn.nn.train;
}
