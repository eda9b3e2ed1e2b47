import java.awt.image.BufferedImage;
import java.io.File;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Classifies one image with a run's model.zip using DL4J alone: java LoadTrainedModel runs/RUN/model.zip image.png */
public class LoadTrainedModel {
    public static void main(String[] args) throws Exception {
        File zip = new File(args[0]);
        ComputationGraph model = ModelSerializer.restoreComputationGraph(zip, false);
        List<String> classes = ModelSerializer.getObjectFromFile(zip, "classNames");    // output order
        long[] chw = ModelSerializer.getObjectFromFile(zip, "inputShape");              // {channels, height, width}
        Map<String, Object> pre = ModelSerializer.getObjectFromFile(zip, "preprocessing");  // what the network was trained on:
        double scale = (Double) pre.get("scale");                                         // channel c = (pixel / 255 * scale
        double[] mean = (double[]) pre.get("mean"), std = (double[]) pre.get("std");      //   - mean[c]) / std[c]
        boolean bgr = "BGR".equals(pre.get("channelOrder"));                              // colour channels in B, G, R order
        System.out.println(model.summary());

        BufferedImage image = ImageIO.read(new File(args[1]));   // already chw[2] x chw[1] pixels (resize it first if not)
        INDArray x = Nd4j.create(1, chw[0], chw[1], chw[2]);     // NCHW, one image
        boolean grayFile = image.getRaster().getNumBands() == 1;  // read gray samples as they are (getRGB applies a gamma curve)
        for (int y = 0; y < chw[1]; y++) {
            for (int col = 0; col < chw[2]; col++) {
                int rgb = image.getRGB(col, y);
                int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
                if (grayFile) {
                    r = g = b = image.getRaster().getSample(col, y, 0);
                }
                double[] v = chw[0] == 1 ? new double[] {0.299 * r + 0.587 * g + 0.114 * b}
                        : bgr ? new double[] {b, g, r} : new double[] {r, g, b};
                for (int c = 0; c < v.length; c++) {
                    x.putScalar(new long[] {0, c, y, col}, (v[c] / 255 * scale - mean[c]) / std[c]);
                }
            }
        }
        INDArray p = model.outputSingle(x);                       // class probabilities (an SVM head gives scores)
        int best = p.argMax(1).getInt(0);
        System.out.printf(Locale.ROOT, "%s %.4f%n", classes.get(best), p.getDouble(0, best));
    }
}
