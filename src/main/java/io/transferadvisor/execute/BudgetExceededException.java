package io.transferadvisor.execute;

/** Training ran out of its time budget before a first epoch finished (a TrainingException: same exit code). */
public class BudgetExceededException extends TrainingException {
    public BudgetExceededException(String message) {
        super(message);
    }
}
