/** ONNX import (a graph runtime over {@link org.simdnn.ops.Backend}) and export of simdnn models. */
package org.simdnn.onnx;
