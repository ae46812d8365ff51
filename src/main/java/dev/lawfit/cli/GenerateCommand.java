package dev.lawfit.cli;

import dev.lawfit.generate.CheckpointEvaluation;
import dev.lawfit.generate.SyntheticArchive;
import dev.lawfit.job.ingest.ArchiveWriter;
import dev.lawfit.job.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Writes a synthetic Parquet archive whose losses follow known Chinchilla laws plus noise.")
final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--archive", required = true, description = "where to write the Parquet archive (replaced if present)")
    String archive;

    @Option(names = "--preset", defaultValue = "linear_complexity",
            description = "linear_complexity (4 architectures x 6 sizes, 1,376 checkpoints) or groups (see --groups)")
    String preset;

    @Option(names = "--groups", defaultValue = "100", description = "with --preset groups: how many groups")
    int groups;

    @Option(names = "--points-per-group", defaultValue = "40", description = "with --preset groups: evaluations per group")
    int pointsPerGroup;

    @Option(names = "--bad-rows", defaultValue = "0", description = "rows that break the contract, added to the archive")
    int badRows;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Override
    public Integer call() {
        List<CheckpointEvaluation> rows = switch (preset) {
            case "linear_complexity" -> SyntheticArchive.linearComplexityStudy(seed, badRows);
            case "groups" -> SyntheticArchive.manyGroups(groups, pointsPerGroup, seed);
            default -> throw new dev.lawfit.LawfitException("--preset must be linear_complexity or groups, got '" + preset + "'");
        };
        SparkSessions.usingToRead(spark -> {
            ArchiveWriter.write(spark, rows, archive, 1);
            return null;
        });
        System.out.printf("lawfit: wrote %d checkpoint evaluations to %s%n", rows.size(), archive);
        return 0;
    }
}
