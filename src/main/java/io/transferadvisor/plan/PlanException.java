package io.transferadvisor.plan;

import io.transferadvisor.AdvisorException;

/** A plan, profile or audit file is malformed or inconsistent. */
public class PlanException extends AdvisorException {
    public PlanException(String message) { super(message); }
    public PlanException(String message, Throwable cause) { super(message, cause); }
}
