package org.simdnn.diagnostics;

/** The outcome of one check: fine, worth a look, broken, or a measurement without a pass mark. */
public enum Verdict { PASS, WARN, FAIL, INFO }
