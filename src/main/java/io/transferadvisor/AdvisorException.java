package io.transferadvisor;

/**
 * Base of every error the tool reports to a person. The message is one line: what, the bad
 * value, why, and the fix. Only the cli package maps subclasses to exit codes.
 */
public abstract class AdvisorException extends RuntimeException {
    protected AdvisorException(String message) {
        super(message);
    }

    protected AdvisorException(String message, Throwable cause) {
        super(message, cause);
    }
}
