package dev.lawfit.spec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lawfit.LawfitException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Reads a YAML job spec; keys are snake_case and unknown keys are refused, so a typo is an error. */
public final class JobSpecReader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private JobSpecReader() {
    }

    private static final ObjectMapper WRITER = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

    /** The spec as YAML that {@link #parse} reads back to an equal spec (kept in every published version). */
    public static String write(JobSpec spec) {
        try {
            return WRITER.writeValueAsString(spec);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the job spec as YAML: " + e.getMessage(), e);
        }
    }

    public static JobSpec read(Path file) {
        if (!Files.isReadable(file)) {
            throw new LawfitException("job spec " + file + " does not exist or cannot be read");
        }
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new LawfitException("job spec " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    public static JobSpec parse(String yaml, String source) {
        try {
            JobSpec spec = YAML.readValue(yaml, JobSpec.class);
            if (spec == null) throw new LawfitException("job spec " + source + " is empty");
            spec.toSettings(); // every fit, bootstrap and temporal setting checked now, before any data is read
            if (spec.temporal() != null) spec.temporal().toSettings();
            if (spec.schedule() != null) spec.schedule().toSettings();
            return spec;
        } catch (IllegalArgumentException e) {
            throw new LawfitException("job spec " + source + ": " + e.getMessage(), e);
        } catch (JsonMappingException e) {
            String where = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            Throwable root = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            String what = root == e ? e.getOriginalMessage() : root.getMessage();
            throw new LawfitException("job spec " + source + (where.isEmpty() ? "" : " at '" + where + "'") + ": " + what, e);
        } catch (IOException e) {
            throw new LawfitException("job spec " + source + " is not valid YAML: " + e.getMessage(), e);
        }
    }
}
