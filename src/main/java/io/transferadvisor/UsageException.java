package io.transferadvisor;

/**
 * A command-line value that is wrong in itself (an out-of-range --epochs, a misspelt --what-if
 * key), found after picocli parsed the arguments. The cli maps it to the usage exit code (2), like
 * picocli's own parameter errors; domain code throws it so that it needs no picocli import.
 */
public class UsageException extends AdvisorException {
    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
