package io.transferadvisor.rules.shadow;

/** Test fixture: a class named like a fact class, in a package a rule file could claim (RuleSandboxTest). */
public class Note {
    public Note(String topic, String text) {
        throw new IllegalStateException("a rule in package io.transferadvisor.rules.shadow created this instead of the fact");
    }
}
