package io.transferadvisor.model;

import io.transferadvisor.AdvisorException;

/** A model is unknown, its weights are missing or corrupt, or a named layer does not exist. */
public class ModelException extends AdvisorException {
    public ModelException(String message) { super(message); }
    public ModelException(String message, Throwable cause) { super(message, cause); }
}
