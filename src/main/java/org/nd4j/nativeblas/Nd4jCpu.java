package org.nd4j.nativeblas;

/**
 * Shim for a DL4J 1.0.0-M2.1 bug (../shared/STACK-NOTES.md): BaseMKLDNNHelper.mklDnnEnabled()
 * reflects on {@code org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()}, but
 * M2.1 moved that class to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and
 * renamed the method isUseONEDNN(). Without this class every oneDNN layer helper is switched off.
 * It only delegates; nothing else uses it.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {}

    /** The old name of libnd4j's environment, as the helper check expects it. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {}

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** Whether libnd4j was built with oneDNN and has it switched on. */
        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
        }
    }
}
