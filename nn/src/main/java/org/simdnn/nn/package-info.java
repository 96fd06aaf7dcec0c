/** Thin layers, losses and optimizers over {@link org.simdnn.ops.Backend}. */
package org.simdnn.nn;
