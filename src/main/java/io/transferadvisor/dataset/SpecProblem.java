package io.transferadvisor.dataset;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One thing wrong with a dataset.yaml: the line it is on, the key (a path such as
 * {@code train.per_class}) and a message naming the bad value and what is allowed.
 */
public record SpecProblem(int line, String key, String message) {
    public SpecProblem {
        if (line < 1) {
            throw new IllegalArgumentException("line " + line + " out of range; allowed >= 1");
        }
        if (key == null || message == null || message.isBlank()) {
            throw new IllegalArgumentException("key and message are required");
        }
    }

    /** {@code dataset.yaml:LINE: key: message}. */
    public String format(Path file) {
        return file.getFileName() + ":" + line + ": " + (key.isEmpty() ? "" : key + ": ") + message;
    }

    /** The exception listing every problem, one per line, in line order. */
    static DatasetException exception(Path file, List<SpecProblem> problems) {
        String text = problems.stream()
                .sorted(java.util.Comparator.comparingInt(SpecProblem::line).thenComparing(SpecProblem::key))
                .distinct()
                .map(p -> p.format(file))
                .collect(Collectors.joining("\n"));
        String head = problems.size() == 1 ? "" : problems.size() + " problems in " + file.getFileName() + ":\n";
        return new DatasetException(head + text);
    }
}
