package io.transferadvisor.rules;

import io.transferadvisor.AdvisorException;

/** The rule base does not compile, or fails its own consistency checks. */
public class RulesException extends AdvisorException {
    public RulesException(String message) { super(message); }
    public RulesException(String message, Throwable cause) { super(message, cause); }
}
