package io.transferadvisor.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.ComposableInputPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Converts a channels-last network (what KerasModelImport makes of a TensorFlow-style model) to
 * channels-first, so every model the advisor loads takes [n, c, h, w] input and yields [n, c, h, w]
 * activations at its cut layers. DL4J keeps convolution weights in one layout whatever the data
 * format, so only the format flags change; the flatten before a dense layer gets a permute in front
 * so the dense weights still see height-width-channel order. Parameters are copied unchanged.
 */
final class ChannelsFirst {
    private ChannelsFirst() {}

    /** Whether the network's convolutions expect channels-last input. */
    static boolean isChannelsLast(ComputationGraphConfiguration conf) {
        for (GraphVertex v : conf.getVertices().values()) {
            if (GraphAnatomy.layerOf(v) instanceof ConvolutionLayer c) {
                return c.getCnn2dDataFormat() == CNN2DFormat.NHWC;
            }
        }
        return false;
    }

    /** The same network taking and producing channels-first tensors; the input graph if it already does. */
    static ComputationGraph convert(ComputationGraph g) {
        if (!isChannelsLast(g.getConfiguration())) {
            return g;
        }
        ComputationGraphConfiguration conf = g.getConfiguration().clone();
        List<String> unsupported = new ArrayList<>();
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            GraphVertex v = e.getValue();
            if (v instanceof LayerVertex lv) {
                Layer l = GraphAnatomy.layerOf(lv);
                if (l instanceof ConvolutionLayer c) {
                    c.setCnn2dDataFormat(CNN2DFormat.NCHW);
                } else if (l instanceof SubsamplingLayer s) {
                    s.setCnn2dDataFormat(CNN2DFormat.NCHW);
                } else if (l instanceof BatchNormalization b) {
                    b.setCnn2DFormat(CNN2DFormat.NCHW);
                } else if (l instanceof ZeroPaddingLayer z) {
                    z.setDataFormat(CNN2DFormat.NCHW);
                } else if (l instanceof GlobalPoolingLayer gp) {
                    int[] dims = gp.getPoolingDimensions();
                    if (dims != null && java.util.Arrays.equals(dims, new int[] {1, 2})) {
                        gp.setPoolingDimensions(new int[] {2, 3});
                    }
                } else if (l != null && mentionsNhwc(l)) {
                    unsupported.add(e.getKey() + " (" + l.getClass().getSimpleName() + ")");
                }
                lv.setPreProcessor(adapt(lv.getPreProcessor()));
            } else if (v instanceof PreprocessorVertex pv) {
                e.setValue(new PreprocessorVertex(adapt(pv.getPreProcessor())));
            }
        }
        if (!unsupported.isEmpty()) {
            throw new ModelException("cannot convert the channels-last model to channels-first: layers " + unsupported
                    + " have a data format this tool does not convert; export the model channels-first or as a DL4J zip");
        }
        conf.setTopologicalOrder(null);
        conf.setTopologicalOrderStr(null);
        ComputationGraph out = new ComputationGraph(conf);
        out.init(g.params().dup(), false);
        return out;
    }

    /** A channels-last flatten gets a permute in front; other preprocessors stay. */
    private static InputPreProcessor adapt(InputPreProcessor p) {
        if (p instanceof CnnToFeedForwardPreProcessor cf && cf.getFormat() == CNN2DFormat.NHWC) {
            return new ComposableInputPreProcessor(new NchwToNhwcPreProcessor(), cf);
        }
        return p;
    }

    private static boolean mentionsNhwc(Layer l) {
        return l.toString().contains("NHWC");
    }
}
