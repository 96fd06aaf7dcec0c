package org.simdnn.diagnostics;

/** One row of the checklist: what was checked, what was measured, the verdict and what to do about it. */
public record Check(String name, Verdict verdict, String measured, String suggestion) {}
