package org.simdnn.kernels.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.reference.Check;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

class LayoutsTest {

    @Test
    void nchwToNhwcMovesEveryElementWhereTheIndexSays() {
        int n = 2, c = 5, h = 3, w = 7;
        float[] src = Check.random(1, n * c * h * w);
        Tensor nchw = Tensor.wrap(src, 0, Layout.NCHW, n, c, h, w);
        Tensor nhwc = Layouts.toNhwc(nchw);
        assertEquals(Layout.NHWC, nhwc.layout());
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) assertEquals(nchw.get(b, ch, y, x), nhwc.get(b, y, x, ch));
        assertArrayEquals(src, Layouts.toNchw(nhwc).toArray());
    }

    @Test
    void oneChannelAndOnePixelAreIdentities() {
        float[] a = Check.random(2, 12);
        assertArrayEquals(a, Layouts.toNhwc(Tensor.wrap(a, 0, Layout.NCHW, 3, 1, 2, 2)).toArray());
        assertArrayEquals(a, Layouts.toNhwc(Tensor.wrap(a, 0, Layout.NCHW, 3, 4, 1, 1)).toArray());
    }

    @Test
    void oihwToHwioRoundTrips() {
        int o = 4, i = 3, kh = 2, kw = 5;
        float[] src = Check.random(3, o * i * kh * kw), hwio = new float[src.length], back = new float[src.length];
        Layouts.oihwToHwio(src, 0, hwio, 0, o, i, kh, kw);
        assertEquals(src[((2 * i + 1) * kh + 1) * kw + 3], hwio[((1 * kw + 3) * i + 1) * o + 2]);
        Layouts.hwioToOihw(hwio, 0, back, 0, kh, kw, i, o);
        assertArrayEquals(src, back);
    }

    @Test
    void channelPaddingZeroFillsAndUnpads() {
        float[] a = Check.random(4, 2 * 3 * 3 * 5);
        Tensor t = Tensor.wrap(a, 0, Layout.NHWC, 2, 3, 3, 5);
        Tensor p = Layouts.padChannels(t, 8);
        assertArrayEquals(new int[] {2, 3, 3, 8}, p.shape());
        assertEquals(a[5 + 4], p.get(0, 0, 1, 4));
        assertEquals(0f, p.get(1, 2, 2, 7));
        assertArrayEquals(a, Layouts.unpadChannels(p, 5).toArray());
        assertEquals(16, Layouts.tensorCorePadded(9));
        assertEquals(8, Layouts.tensorCorePadded(8));
        assertEquals(Math.max(1, CpuInfo.lanes()) * 2, Layouts.lanePadded(CpuInfo.lanes() + 1));
        assertEquals(0, Layouts.roundUp(0, 8));
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Layouts.roundUp(3, 0));
        assertThrows(IllegalArgumentException.class,
                () -> Layouts.nchwToNhwc(new float[10], 0, new float[12], 0, 1, 3, 2, 2));
        assertThrows(IllegalArgumentException.class,
                () -> Layouts.padChannels(new float[10], 0, 2, 5, new float[12], 0, 4));
        assertThrows(IllegalArgumentException.class, () -> Layouts.toNhwc(Tensor.zeros(3, 4)));
        assertThrows(IllegalArgumentException.class, () -> Layouts.unpadChannels(Tensor.zeros(2, 3), 4));
    }
}
