/** OpenBLAS through java.lang.foreign. */
package org.simdnn.ffm.blas;
