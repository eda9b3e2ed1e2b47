package io.transferadvisor.dataset;

import io.transferadvisor.AdvisorException;

/** The dataset description or the data it points to is unusable. */
public class DatasetException extends AdvisorException {
    public DatasetException(String message) { super(message); }
    public DatasetException(String message, Throwable cause) { super(message, cause); }
}
