package io.transferadvisor.rules;

/**
 * The rules did not finish within the wall-clock limit (exit 5, as every RulesException). Callers
 * that collect rule failures and go on (the `rules check` grid) must stop at this one: every
 * further evaluation would hang as well.
 */
final class RulesTimeoutException extends RulesException {
    RulesTimeoutException(String message) {
        super(message);
    }
}
