package org.simdnn.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.simdnn.kernels.cpu.CpuBackend;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.ops.Activation;
import org.simdnn.ops.AdamStep;
import org.simdnn.ops.Backend;
import org.simdnn.ops.BatchNormDesc;
import org.simdnn.ops.Pool2dDesc;
import org.simdnn.ops.SgdStep;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * The memory-bound ops at the reference CNN's activation sizes at batch 128, with a streaming-bandwidth baseline
 * in the same run. These ops do a few flops per byte, so {@link #flops(String)} returns the <em>bytes</em> one
 * operation must move through memory (each array read or written once per pass of the algorithm as implemented;
 * listed per op below): the report's "GFLOPS" column for this suite reads as GB/s, and
 * {@code copy}/{@code triad} give the machine's streaming bandwidth to compare with.
 *
 * <p>Shapes ({@code op_size}): {@code bnfwd_r<rows>c<C>} batch-norm training forward with fused ReLU (two passes:
 * statistics read x, apply reads x and writes y: 12 B/elem); {@code bnbwd_r<rows>c<C>} backward with the fused
 * ReLU mask (reduce reads x, y, dy; apply reads x, y, dy, writes dx: 28 B/elem); {@code relu_n}, {@code relubwd_n}
 * (8 and 12 B/elem); {@code maxpool_mb..} 2x2/2 max pooling (reads x, writes y and the int argmax);
 * {@code softmaxce_r<rows>k<K>} loss and gradient (reads logits, writes dlogits); {@code sgd_n} momentum SGD
 * (reads w, g, buf, writes w, buf: 20 B/elem, n = the 3136x256 linear layer plus bias); {@code adam_n} (28 B/elem);
 * {@code copy_n} ({@code System.arraycopy}, 8 B/elem) and {@code triad_n} (our axpy y += a x, 12 B/elem) as the
 * streaming baselines.
 *
 * <p>{@code impl}: {@code simdnn} = the CPU backend's kernels; {@code naive} = plain scalar Java loops (which C2
 * may auto-vectorise), available for relu, bnfwd and sgd only (setup refuses other shapes). Setup verifies the
 * op against a plain double computation before timing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class OpsBench {

    @Param({"bnfwd_r100352c32", "bnfwd_r25088c64", "bnbwd_r100352c32", "relu_n3211264", "relubwd_n3211264",
            "maxpool_mb128_ih28iw28c32", "maxpool_mb128_ih14iw14c64", "softmaxce_r128k10", "sgd_n803072",
            "adam_n803072", "copy_n3211264", "triad_n3211264"})
    public String shape;

    @Param({"simdnn"})
    public String impl;

    @Param({"2"})
    public int threads;

    private static final Pattern P = Pattern.compile("([a-z]+)_(?:r(\\d+)c(\\d+)|n(\\d+)|mb(\\d+)_ih(\\d+)iw(\\d+)c(\\d+)|r(\\d+)k(\\d+))");

    private final Backend be = new CpuBackend();
    private String op;
    private int n, rows, c;
    private BatchNormDesc bn;
    private Pool2dDesc pool;
    private Tensor x, y, dy, dx, gamma, beta, rm, rv, sm, si, dg, db, w, g, buf, m, v;
    private int[] argmax, labels;
    private float[] xa, ya;

    /** Bytes one operation moves (see the class comment); the report divides by 1e9 to print GB/s. */
    public static double flops(String shape) {
        Matcher mm = P.matcher(shape);
        if (!mm.matches()) throw new IllegalArgumentException("not an OpsBench shape: " + shape);
        String o = mm.group(1);
        return switch (o) {
            case "bnfwd" -> 12.0 * Long.parseLong(mm.group(2)) * Long.parseLong(mm.group(3));
            case "bnbwd" -> 28.0 * Long.parseLong(mm.group(2)) * Long.parseLong(mm.group(3));
            case "relu", "copy" -> 8.0 * Long.parseLong(mm.group(4));
            case "relubwd", "triad" -> 12.0 * Long.parseLong(mm.group(4));
            case "sgd" -> 20.0 * Long.parseLong(mm.group(4));
            case "adam" -> 28.0 * Long.parseLong(mm.group(4));
            case "maxpool" -> {
                long in = Long.parseLong(mm.group(5)) * Long.parseLong(mm.group(6)) * Long.parseLong(mm.group(7))
                        * Long.parseLong(mm.group(8));
                yield 4.0 * in + 8.0 * (in / 4); // read x, write y and argmax at a quarter of the pixels
            }
            case "softmaxce" -> 8.0 * Long.parseLong(mm.group(9)) * Long.parseLong(mm.group(10));
            default -> throw new IllegalArgumentException("unknown op in " + shape);
        };
    }

    private static float[] random(long seed, int len) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[len];
        for (int i = 0; i < len; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    @Setup(Level.Trial)
    public void setup() {
        Parallel.setThreads(threads);
        Matcher mm = P.matcher(shape);
        if (!mm.matches()) throw new IllegalArgumentException("not an OpsBench shape: " + shape);
        op = mm.group(1);
        if (impl.equals("naive") && !(op.equals("relu") || op.equals("bnfwd") || op.equals("sgd"))) {
            throw new IllegalArgumentException("impl naive exists for relu, bnfwd and sgd only, not " + shape);
        } else if (!impl.equals("naive") && !impl.equals("simdnn")) {
            throw new IllegalArgumentException("impl must be simdnn or naive, got " + impl);
        }
        switch (op) {
            case "bnfwd", "bnbwd" -> {
                rows = Integer.parseInt(mm.group(2));
                c = Integer.parseInt(mm.group(3));
                n = rows * c;
                bn = new BatchNormDesc(rows, c, 1e-5f, 0.1f, true);
                x = Tensor.wrap(random(1, n), rows, c);
                y = Tensor.zeros(rows, c);
                dy = Tensor.wrap(random(2, n), rows, c);
                dx = Tensor.zeros(rows, c);
                gamma = Tensor.wrap(random(3, c), c);
                beta = Tensor.wrap(random(4, c), c);
                rm = Tensor.zeros(c);
                rv = Tensor.zeros(c);
                rv.fill(1f);
                sm = Tensor.zeros(c);
                si = Tensor.zeros(c);
                dg = Tensor.zeros(c);
                db = Tensor.zeros(c);
                be.batchNormForwardTraining(bn, x, gamma, beta, rm, rv, y, sm, si);
            }
            case "relu", "relubwd", "copy", "triad" -> {
                n = Integer.parseInt(mm.group(4));
                x = Tensor.wrap(random(1, n), n);
                y = Tensor.zeros(n);
                dy = Tensor.wrap(random(2, n), n);
                dx = Tensor.zeros(n);
            }
            case "sgd", "adam" -> {
                n = Integer.parseInt(mm.group(4));
                w = Tensor.wrap(random(1, n), n);
                g = Tensor.wrap(random(2, n), n);
                buf = Tensor.zeros(n);
                m = Tensor.zeros(n);
                v = Tensor.zeros(n);
            }
            case "maxpool" -> {
                int mb = Integer.parseInt(mm.group(5)), h = Integer.parseInt(mm.group(6));
                int wd = Integer.parseInt(mm.group(7)), ch = Integer.parseInt(mm.group(8));
                pool = Pool2dDesc.of(mb, h, wd, ch, 2);
                x = Tensor.wrap(random(1, mb * h * wd * ch), 0, Layout.NHWC, pool.inputShape());
                y = Tensor.zeros(Layout.NHWC, pool.outputShape());
                argmax = new int[y.size()];
            }
            case "softmaxce" -> {
                rows = Integer.parseInt(mm.group(9));
                c = Integer.parseInt(mm.group(10));
                x = Tensor.wrap(random(1, rows * c), rows, c);
                dx = Tensor.zeros(rows, c);
                labels = new int[rows];
                for (int r = 0; r < rows; r++) labels[r] = r % c;
            }
            default -> throw new IllegalArgumentException("unknown op " + op);
        }
        verify();
    }

    @TearDown(Level.Trial)
    public void tearDown() { Parallel.setThreads(Runtime.getRuntime().availableProcessors()); }

    /** One run of the op compared with a plain double computation; throws before timing if they disagree. */
    private void verify() {
        switch (op) {
            case "relu" -> {
                run(null);
                for (int i = 0; i < n; i++) check(Math.max(0, x.data()[i]), y.data()[i], 0, i);
            }
            case "relubwd" -> {
                run(null);
                for (int i = 0; i < n; i++) check(x.data()[i] > 0 ? dy.data()[i] : 0, dx.data()[i], 0, i);
            }
            case "bnfwd" -> {
                run(null);
                double[] mean = new double[c], var = new double[c];
                for (int i = 0; i < n; i++) mean[i % c] += x.data()[i] / rows;
                for (int i = 0; i < n; i++) var[i % c] += Math.pow(x.data()[i] - mean[i % c], 2) / rows;
                for (int i = 0; i < n; i += 997) {
                    int j = i % c;
                    double e = Math.max(0, gamma.data()[j] * (x.data()[i] - mean[j]) / Math.sqrt(var[j] + 1e-5) + beta.data()[j]);
                    check(e, y.data()[i], 1e-4, i);
                }
            }
            case "bnbwd" -> {
                run(null);
                double s = 0;
                for (int i = 0; i < n; i++) s += y.data()[i] > 0 ? dy.data()[i] : 0;
                double t = 0;
                for (int j = 0; j < c; j++) t += db.data()[j];
                check(s, t, 1e-4 * Math.max(1, Math.abs(s)), -1);
            }
            case "maxpool" -> {
                run(null);
                for (int i = 0; i < y.size(); i += 101) check(x.data()[argmax[i]], y.data()[i], 0, i);
            }
            case "softmaxce" -> {
                double total = 0;
                for (int r = 0; r < rows; r++) {
                    double mx = Double.NEGATIVE_INFINITY, s = 0;
                    for (int j = 0; j < c; j++) mx = Math.max(mx, x.data()[r * c + j]);
                    for (int j = 0; j < c; j++) s += Math.exp(x.data()[r * c + j] - mx);
                    total += mx + Math.log(s) - x.data()[r * c + labels[r]];
                }
                check(total / rows, be.softmaxCrossEntropy(x, labels, 0f, dx), 1e-5, -1);
            }
            case "sgd", "adam" -> {
                float w0 = w.data()[5], g0 = g.data()[5];
                run(null);
                double e = op.equals("sgd") ? w0 - 0.01 * g0 : w0 - 0.001 * Math.signum(g0);
                check(e, w.data()[5], 1e-5, 5);
                w = Tensor.wrap(random(1, n), n);
                buf.fill(0f);
                m.fill(0f);
                v.fill(0f);
            }
            case "copy", "triad" -> {
                run(null);
                check(x.data()[n - 1], op.equals("copy") ? y.data()[n - 1] : x.data()[n - 1], 0, n - 1);
            }
            default -> throw new IllegalStateException(op);
        }
    }

    private static void check(double expected, double actual, double tol, int i) {
        if (!(Math.abs(expected - actual) <= tol * Math.max(1, Math.abs(expected)))) {
            throw new IllegalStateException("OpsBench verification failed at " + i + ": expected " + expected + ", got "
                    + actual);
        }
    }

    private static final SgdStep SGD_FIRST = new SgdStep(0.01f, 0.9f, 0f, false, 0f, false, true);
    private static final SgdStep SGD = new SgdStep(0.01f, 0.9f, 0f, false, 0f, false, false);
    private static final AdamStep ADAM = new AdamStep(0.001f, 0.9f, 0.999f, 1e-8f, 0f, false, 1);

    private float run(Blackhole bh) {
        boolean naive = impl.equals("naive");
        switch (op) {
            case "relu" -> {
                if (naive) NaiveOps.relu(x.data(), y.data(), n); else be.activationForward(Activation.RELU, 0f, x, y);
            }
            case "relubwd" -> be.activationBackward(Activation.RELU, 0f, x, y, dy, dx);
            case "bnfwd" -> {
                if (naive) {
                    NaiveOps.batchNormReluTraining(rows, c, x.data(), gamma.data(), beta.data(), y.data(), sm.data(),
                            si.data(), 1e-5f);
                } else {
                    be.batchNormForwardTraining(bn, x, gamma, beta, rm, rv, y, sm, si);
                }
            }
            case "bnbwd" -> be.batchNormBackward(bn, x, y, dy, gamma, sm, si, dx, dg, db);
            case "maxpool" -> be.maxPool2dForward(pool, x, y, argmax);
            case "softmaxce" -> {
                return be.softmaxCrossEntropy(x, labels, 0.1f, dx);
            }
            case "sgd" -> {
                if (naive) NaiveOps.sgdMomentum(0.01f, 0.9f, w.data(), g.data(), buf.data(), n);
                else be.sgdStep(bh == null ? SGD_FIRST : SGD, w, g, buf);
            }
            case "adam" -> be.adamStep(ADAM, w, g, m, v);
            case "copy" -> System.arraycopy(x.data(), 0, y.data(), 0, n);
            case "triad" -> be.axpy(1e-7f, dy, x);
            default -> throw new IllegalStateException(op);
        }
        return 0f;
    }

    @Benchmark
    public float op(Blackhole bh) { return run(bh); }
}
