package io.transferadvisor.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package map of docs/DESIGN.md, checked on the compiled classes (fully qualified uses
 * included). Each rule fails with the offending class and call when the code breaks it.
 */
class PackageRulesTest {
    static JavaClasses main;

    @BeforeAll
    static void load() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.transferadvisor");
    }

    @Test
    void cliIsArgumentParsingAndImportsNoDeepLearningFramework() {
        noClasses().that().resideInAPackage("io.transferadvisor.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("org.deeplearning4j..", "org.nd4j..")
                .because("benchmarks and training live in bench/ and execute/; cli/ parses arguments and calls them")
                .check(main);
    }

    @Test
    void probeAndExecuteMeetOnlyInFeatures() {
        noClasses().that().resideInAPackage("io.transferadvisor.probe..")
                .should().dependOnClassesThat().resideInAPackage("io.transferadvisor.execute..").check(main);
        noClasses().that().resideInAPackage("io.transferadvisor.execute..")
                .should().dependOnClassesThat().resideInAPackage("io.transferadvisor.probe..").check(main);
        noClasses().that().resideInAPackage("io.transferadvisor.features..")
                .should().dependOnClassesThat().resideInAnyPackage("io.transferadvisor.probe..", "io.transferadvisor.execute..").check(main);
    }

    @Test
    void planRecordsImportNoFramework() {
        noClasses().that().resideInAPackage("io.transferadvisor.plan..").and().doNotHaveSimpleName("PlanIO")
                .should().dependOnClassesThat().resideInAnyPackage("org.deeplearning4j..", "org.nd4j..", "com.fasterxml..", "org.kie..", "org.drools..")
                .because("a plan is what a person reads and edits; only PlanIO knows its file format")
                .check(main);
    }

    @Test
    void generatedImagesDependOnNoStageOfThePipeline() {
        noClasses().that().resideInAPackage("io.transferadvisor.synth..")
                .should().dependOnClassesThat().resideInAnyPackage("io.transferadvisor.bench..", "io.transferadvisor.model..",
                        "io.transferadvisor.probe..", "io.transferadvisor.execute..", "io.transferadvisor.rules..", "io.transferadvisor.pipeline..")
                .because("model/ (glyphs-cnn) and bench/ (the suite) both draw from it")
                .check(main);
        noClasses().that().resideInAPackage("io.transferadvisor.model..")
                .should().dependOnClassesThat().resideInAPackage("io.transferadvisor.bench..").check(main);
    }

    @Test
    void onlyCliTurnsErrorsIntoExitCodes() {
        noClasses().that().resideOutsideOfPackage("io.transferadvisor.cli..")
                .should().dependOnClassesThat().resideInAPackage("picocli..")
                .because("the library API (pipeline.Advisor) must work without the command line")
                .check(main);
    }
}
