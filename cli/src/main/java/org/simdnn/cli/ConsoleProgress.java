package org.simdnn.cli;

import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.simdnn.nn.train.ProgressListener;

/** A live bar per epoch on stderr (images, images/s, ETA, running loss) through me.tongfei:progressbar. */
final class ConsoleProgress implements ProgressListener {
    private final int epochs;
    private final String lossName;
    private ProgressBar bar;

    ConsoleProgress(int epochs, String lossName) {
        this.epochs = epochs;
        this.lossName = lossName;
    }

    @Override
    public void epochStarted(int epoch, int batches, long images) {
        close();
        bar = new ProgressBarBuilder()
                .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, epochs))
                .setInitialMax(images)
                .setUnit(" img", 1)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .continuousUpdate()
                .clearDisplayOnFinish()
                .build();
    }

    @Override
    public void batchDone(int epoch, int batch, long imagesDone, double meanLoss) {
        if (bar == null) return;
        bar.stepTo(imagesDone);
        bar.setExtraMessage(String.format(Locale.ROOT, " %s %.4f", lossName, meanLoss));
    }

    @Override
    public void epochTrained(int epoch) { close(); }

    void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
