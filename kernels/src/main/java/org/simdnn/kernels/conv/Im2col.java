package org.simdnn.kernels.conv;

import java.util.Arrays;
import org.simdnn.ops.Conv2dDesc;

/**
 * im2col and col2im over a range of output pixels (groups 1, NHWC, HWIO patch order {@code (kh, kw, c)}):
 * the packing step of {@link ConvAlgo#IM2COL_GEMM}, public so benchmarks can pair it with another GEMM
 * (im2col + OpenBLAS).
 */
public final class Im2col {
    private Im2col() {}

    /** Patch rows of output pixels [r0, r0+rows) into col[rows, kH·kW·inC]. */
    public static void pack(Conv2dDesc d, float[] x, int xo, int r0, int rows, float[] col) {
        int H = d.inH(), W = d.inW(), C = d.inC(), OH = d.outH(), OW = d.outW(), kc = d.kH() * d.kW() * C;
        for (int r = 0; r < rows; r++) {
            int p = r0 + r, n = p / (OH * OW), oh = p / OW % OH, ow = p % OW;
            int dst = r * kc;
            for (int kh = 0; kh < d.kH(); kh++) {
                int ih = oh * d.strideH() - d.padTop() + kh * d.dilationH();
                for (int kw = 0; kw < d.kW(); kw++, dst += C) {
                    int iw = ow * d.strideW() - d.padLeft() + kw * d.dilationW();
                    if (ih < 0 || ih >= H || iw < 0 || iw >= W) Arrays.fill(col, dst, dst + C, 0f);
                    else System.arraycopy(x, xo + ((n * H + ih) * W + iw) * C, col, dst, C);
                }
            }
        }
    }

    /** col2im: adds patch rows of output pixels [r0, r0+rows) back into dx (padding taps dropped). */
    public static void scatterAdd(Conv2dDesc d, float[] col, int r0, int rows, float[] dx, int dxo) {
        int H = d.inH(), W = d.inW(), C = d.inC(), OH = d.outH(), OW = d.outW(), kc = d.kH() * d.kW() * C;
        for (int r = 0; r < rows; r++) {
            int p = r0 + r, n = p / (OH * OW), oh = p / OW % OH, ow = p % OW;
            int src = r * kc;
            for (int kh = 0; kh < d.kH(); kh++) {
                int ih = oh * d.strideH() - d.padTop() + kh * d.dilationH();
                for (int kw = 0; kw < d.kW(); kw++, src += C) {
                    int iw = ow * d.strideW() - d.padLeft() + kw * d.dilationW();
                    if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                    int dst = dxo + ((n * H + ih) * W + iw) * C;
                    for (int c = 0; c < C; c++) dx[dst + c] += col[src + c];
                }
            }
        }
    }
}
