package dev.ferry.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueParsersTest {
    @ParameterizedTest
    @CsvSource({"250ms, 250", "5s, 5000", "2m, 120000", "1h, 3600000", " 30s , 30000"})
    void parsesDurationsWithAUnit(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), DurationParser.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "-1s", "0s", "0ms", "1.5s", "5 s", "5S", "1d", "", "ms", "1000000000000000h"})
    void rejectsDurationsThatReadAsAMistake(String text) {
        assertThrows(IllegalArgumentException.class, () -> DurationParser.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"250ms, 250ms", "5s, 5000ms", "2m, 120s", "1h, 60m"})
    void formatsDurationsInTheLargestWholeUnit(String expected, String input) {
        assertEquals(expected, DurationParser.format(DurationParser.parse(input)));
    }

    @ParameterizedTest
    @CsvSource({"1024, 1024", "64KiB, 65536", "16MiB, 16777216", "1GiB, 1073741824", "2TiB, 2199023255552"})
    void parsesSizesWithBinaryUnits(String text, long bytes) {
        assertEquals(bytes, SizeParser.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "16MB", "16mib", "1.5MiB", "KiB", "", "9999999999999999999",
            "9223372036854775807TiB"})
    void rejectsAmbiguousOrInvalidSizes(String text) {
        assertThrows(IllegalArgumentException.class, () -> SizeParser.parse(text));
    }
}
