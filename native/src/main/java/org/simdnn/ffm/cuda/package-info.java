/** CUDA through java.lang.foreign: for now a driver probe only (see docs/native.md for the plan). */
package org.simdnn.ffm.cuda;
