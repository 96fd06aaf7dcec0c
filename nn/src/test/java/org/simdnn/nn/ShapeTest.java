package org.simdnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.simdnn.tensor.Tensor;

/** Shape inference, error messages that name the layer and both shapes, parameter naming and buffer reuse. */
class ShapeTest {
    /** The reference CNN of the training issue, NHWC 28x28x1 -> 10. */
    static Sequential referenceCnn() {
        return new Sequential(
                new Conv2d(1, 32, 3, 1, 1), new BatchNorm2d(32).withRelu(),
                new Conv2d(32, 32, 3, 1, 1), new BatchNorm2d(32).withRelu(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, 1, 1), new BatchNorm2d(64).withRelu(),
                new Conv2d(64, 64, 3, 1, 1), new BatchNorm2d(64).withRelu(), new MaxPool2d(2),
                new Dropout(0.25f), new Flatten(), new Linear(7 * 7 * 64, 256), new ReLU(), new Dropout(0.5f),
                new Linear(256, 10));
    }

    @Test
    void outputShapesThroughTheReferenceCnn() {
        Sequential net = referenceCnn();
        assertArrayEquals(new int[] {128, 10}, net.outputShape(new int[] {128, 28, 28, 1}));
        String s = net.summary(new int[] {1, 28, 28, 1});
        assertTrue(s.contains("[1, 14, 14, 32]") && s.contains("[1, 3136]"), s);
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias"),
                net.parameters().subList(0, 4).stream().map(Parameter::name).toList());
        assertTrue(net.buffers().containsKey("1.running_mean"));
        assertEquals(false, net.parameters().get(1).decay(), "bias: no decay");
        assertEquals(false, net.parameters().get(2).decay(), "BN gamma: no decay");
        assertEquals(true, net.parameters().get(0).decay());
    }

    @Test
    void mismatchNamesTheLayerAndTheShapes() {
        Sequential net = new Sequential(new Conv2d(1, 8, 3, 1, 1), new Flatten(), new Linear(100, 10));
        var e = assertThrows(IllegalArgumentException.class, () -> net.outputShape(new int[] {2, 28, 28, 1}));
        String m = e.getMessage();
        assertTrue(m.contains("layer 2") && m.contains("Linear(100->10)") && m.contains("[2, 6272]")
                && m.contains("[batch, 100]") && m.contains("[2, 28, 28, 1]"), m);
        var e2 = assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 8, 3, 1, 1).outputShape(new int[] {1, 5, 5, 4}));
        assertTrue(e2.getMessage().contains("Conv2d(3->8") && e2.getMessage().contains("[1, 5, 5, 4]"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> new Linear(4, 2).forward(Tensor.zeros(3, 5), true));
        assertTrue(e3.getMessage().contains("[3, 5]"), e3.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(3).outputShape(new int[] {1, 2, 2, 1}));
        var e4 = assertThrows(IllegalArgumentException.class, () -> Conv2d.builder(4, 6).kernel(3).groups(4).build());
        assertTrue(e4.getMessage().contains("groups 4"), e4.getMessage());
        var e5 = assertThrows(IllegalArgumentException.class, () -> Conv2d.builder(4, 6).pad(1).build());
        assertTrue(e5.getMessage().contains("kernel 0x0"), e5.getMessage());
    }

    /** The builder's defaults are the five-argument constructor's: same geometry, same seeded weights. */
    @Test
    void builderDefaultsMatchTheShortConstructor() {
        Conv2d a = new Conv2d(3, 8, 3, 1, 1), b = Conv2d.builder(3, 8).kernel(3).pad(1).build();
        assertEquals(a.config(), b.config());
        assertArrayEquals(a.weight().value().toArray(), b.weight().value().toArray());
        Conv2d c = Conv2d.builder(6, 4).kernel(1, 3).stride(2, 1).pad(0, 1).dilation(1, 2).groups(2).bias(false).build();
        assertEquals("Conv2d(6->4, 1x3, stride 2x1, pad 0x1, dilation 1x2, groups 2, no bias)", c.name());
        assertArrayEquals(new int[] {2, 3, 3, 4}, c.outputShape(new int[] {2, 5, 5, 6}));
    }

    @Test
    void nestedSequentialNamesAndWeightSharingCopies() {
        Sequential inner = new Sequential(new Linear(3, 3), new Tanh());
        Sequential net = new Sequential(new Linear(2, 3), inner);
        assertEquals(List.of("0.weight", "0.bias", "1.0.weight", "1.0.bias"),
                net.parameters().stream().map(Parameter::name).toList());
        Sequential copy = net.shareWeights();
        assertEquals(List.of("0.weight", "0.bias", "1.0.weight", "1.0.bias"),
                copy.parameters().stream().map(Parameter::name).toList());
        assertSame(net.parameters().get(2).value(), copy.parameters().get(2).value());
        assertTrue(net.parameters().get(2).grad() != copy.parameters().get(2).grad());
    }

    @Test
    void buffersAreReusedWhileTheShapeStays() throws Throwable {
        TestBackends.run(() -> {
            Sequential net = new Sequential(new Linear(4, 3), new Tanh());
            net.useBackend(new RefBackend());
            Tensor y1 = net.forward(GradCheck.random(1, 2, 4), true);
            Tensor y2 = net.forward(GradCheck.random(2, 2, 4), true);
            assertSame(y1, y2);
            Tensor d1 = net.backward(GradCheck.random(3, 2, 3));
            Tensor d2 = net.backward(GradCheck.random(4, 2, 3));
            assertSame(d1, d2);
            Tensor y3 = net.forward(GradCheck.random(5, 5, 4), true);
            assertArrayEquals(new int[] {5, 3}, y3.shape());
        });
    }

    @Test
    void skipInputGradient() throws Throwable {
        Sequential net = new Sequential(new Linear(4, 3), new Tanh()).skipInputGradient();
        net.useBackend(new RefBackend());
        net.forward(GradCheck.random(1, 2, 4), true);
        assertEquals(null, net.backward(GradCheck.random(3, 2, 3)));
    }
}
