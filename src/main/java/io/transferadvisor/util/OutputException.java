package io.transferadvisor.util;

import io.transferadvisor.AdvisorException;

/** An output could not be written, or would overwrite something without --force. */
public class OutputException extends AdvisorException {
    public OutputException(String message) { super(message); }
    public OutputException(String message, Throwable cause) { super(message, cause); }
}
