package dev.ferry.origin.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePathsTest {
    @TempDir
    Path dir;
    private Path root;
    private Path outside;

    @BeforeEach
    void files() throws IOException {
        root = Files.createDirectories(dir.resolve("www")).toRealPath();
        Files.writeString(root.resolve("a.txt"), "a");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/b c.bin"), "b");
        outside = Files.writeString(dir.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("inside"), root.resolve("a.txt"));
    }

    @Test
    void namesFilesUnderTheRoot() {
        assertEquals(root.resolve("a.txt"), FilePaths.resolve(root, "/a.txt"));
        assertEquals(root.resolve("a.txt"), FilePaths.resolve(root, "/a.txt?x=1#frag"));
        assertEquals(root.resolve("sub/b c.bin"), FilePaths.resolve(root, "/sub/b%20c.bin"));
        assertEquals(root.resolve("a.txt"), FilePaths.resolve(root, "//sub/../a.txt"));
        assertEquals(root.resolve("a.txt"), FilePaths.resolve(root, "/./a.txt"));
        assertEquals(root.resolve("a.txt"), FilePaths.resolve(root, "/inside"), "a link that stays inside");
    }

    @Test
    void nothingOutsideTheRootWhateverTheSpelling() {
        assertNull(FilePaths.resolve(root, "/../secret.txt"));
        assertNull(FilePaths.resolve(root, "/%2e%2e/secret.txt"));
        assertNull(FilePaths.resolve(root, "/sub/..%2f..%2fsecret.txt"));
        assertNull(FilePaths.resolve(root, "/escape"), "a link that leaves the root");
    }

    @Test
    void nothingForDirectoriesMissingFilesOrMalformedPaths() {
        assertNull(FilePaths.resolve(root, "/"));
        assertNull(FilePaths.resolve(root, "/sub"));
        assertNull(FilePaths.resolve(root, "/sub/"));
        assertNull(FilePaths.resolve(root, "/missing"));
        assertNull(FilePaths.resolve(root, "a.txt"), "not origin-form");
        assertNull(FilePaths.resolve(root, "/a%2"));
        assertNull(FilePaths.resolve(root, "/a%zz"));
        assertNull(FilePaths.resolve(root, "/a%00.txt"));
        assertNull(FilePaths.resolve(root, "/%c3%28"), "not UTF-8");
        assertNull(FilePaths.resolve(root, null));
    }
}
