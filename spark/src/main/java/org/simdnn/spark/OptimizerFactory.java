package org.simdnn.spark;

import java.io.Serializable;
import java.util.List;
import org.simdnn.nn.Parameter;
import org.simdnn.nn.optim.Optimizer;

/**
 * Builds one of nn's optimizers over a model's parameters. Serializable because local SGD builds one on every
 * executor; with synchronous SGD only the driver calls it.
 */
@FunctionalInterface
public interface OptimizerFactory extends Serializable {
    Optimizer create(List<Parameter> parameters);
}
