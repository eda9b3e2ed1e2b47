package io.transferadvisor.execute;

import io.transferadvisor.AdvisorException;

/** Training diverged, ran out of budget before a first epoch, or the network could not be built. */
public class TrainingException extends AdvisorException {
    public TrainingException(String message) { super(message); }
    public TrainingException(String message, Throwable cause) { super(message, cause); }
}
