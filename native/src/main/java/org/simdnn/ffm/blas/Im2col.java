package org.simdnn.ffm.blas;

import org.simdnn.ops.Conv2dDesc;

/**
 * NHWC patch matrices for GEMM-based convolution. Row {@code (img*OH + oh)*OW + ow} of the patch matrix holds
 * the receptive field of that output pixel in {@code (kh, kw, c)} order, which is exactly the row order of
 * HWIO weights flattened to {@code [kH*kW*inC, outC]}; padding reads as zero.
 */
final class Im2col {
    private Im2col() {}

    /** Fills {@code patches[rows, kH*kW*inC]} for images [img0, img0+imgs) of x. */
    static void im2col(Conv2dDesc d, float[] x, int xOff, int img0, int imgs, float[] patches) {
        int oh = d.outH(), ow = d.outW(), c = d.inC(), kw = d.kW();
        int rowLen = d.kH() * kw * c;
        int p = 0;
        for (int img = img0; img < img0 + imgs; img++) {
            int base = xOff + img * d.inH() * d.inW() * c;
            for (int y = 0; y < oh; y++) {
                for (int xo = 0; xo < ow; xo++, p += rowLen) {
                    int q = p;
                    for (int i = 0; i < d.kH(); i++) {
                        int ih = y * d.strideH() - d.padTop() + i * d.dilationH();
                        for (int j = 0; j < kw; j++, q += c) {
                            int iw = xo * d.strideW() - d.padLeft() + j * d.dilationW();
                            if (ih < 0 || ih >= d.inH() || iw < 0 || iw >= d.inW()) {
                                java.util.Arrays.fill(patches, q, q + c, 0f);
                            } else {
                                System.arraycopy(x, base + (ih * d.inW() + iw) * c, patches, q, c);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Adds {@code dpatches[rows, kH*kW*inC]} back into images [img0, img0+imgs) of dx (the adjoint of im2col). */
    static void col2imAdd(Conv2dDesc d, float[] dpatches, int img0, int imgs, float[] dx, int dxOff) {
        int oh = d.outH(), ow = d.outW(), c = d.inC(), kw = d.kW();
        int rowLen = d.kH() * kw * c;
        int p = 0;
        for (int img = img0; img < img0 + imgs; img++) {
            int base = dxOff + img * d.inH() * d.inW() * c;
            for (int y = 0; y < oh; y++) {
                for (int xo = 0; xo < ow; xo++, p += rowLen) {
                    int q = p;
                    for (int i = 0; i < d.kH(); i++) {
                        int ih = y * d.strideH() - d.padTop() + i * d.dilationH();
                        for (int j = 0; j < kw; j++, q += c) {
                            int iw = xo * d.strideW() - d.padLeft() + j * d.dilationW();
                            if (ih < 0 || ih >= d.inH() || iw < 0 || iw >= d.inW()) continue;
                            int t = base + (ih * d.inW() + iw) * c;
                            for (int ch = 0; ch < c; ch++) dx[t + ch] += dpatches[q + ch];
                        }
                    }
                }
            }
        }
    }
}
