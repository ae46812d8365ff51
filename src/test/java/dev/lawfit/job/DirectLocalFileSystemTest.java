package dev.lawfit.job;

import dev.lawfit.testing.TestSpark;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded session's local file system: Hadoop's behaviour (permissions, links, checksums, renames) without its processes. */
class DirectLocalFileSystemTest {

    /** A Configuration naming the two classes, as an embedded session's does; the cache off, so this test gets its own instance. */
    private static Configuration conf() {
        Configuration conf = new Configuration(false);
        conf.set(DirectLocalFileSystem.FILE_SYSTEM_KEY, DirectLocalFileSystem.class.getName());
        conf.set(DirectLocalFileSystem.FILE_CONTEXT_KEY, DirectLocalFileSystem.Context.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        return conf;
    }

    @Test
    void anEmbeddedSessionWritesThroughIt() {
        Configuration hadoop = TestSpark.session().sparkContext().hadoopConfiguration();
        assertEquals(DirectLocalFileSystem.class.getName(), hadoop.get(DirectLocalFileSystem.FILE_SYSTEM_KEY));
        assertEquals(DirectLocalFileSystem.Context.class.getName(), hadoop.get(DirectLocalFileSystem.FILE_CONTEXT_KEY));
    }

    @Test
    void permissionsAreSetAsChmodSetsThem(@TempDir java.nio.file.Path dir) throws Exception {
        FileSystem fs = FileSystem.get(dir.toUri(), conf());
        LocalFileSystem local = assertInstanceOf(DirectLocalFileSystem.class, fs);
        assertInstanceOf(DirectLocalFileSystem.Raw.class, local.getRaw());
        Path file = new Path(dir.toUri().toString(), "a/b/part-0");
        try (var out = fs.create(file)) { // creates a/ and a/b/ (each given a permission), the file and its .crc
            out.write("x".getBytes(StandardCharsets.UTF_8));
        }
        fs.setPermission(file, new FsPermission((short) 0640));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b/part-0"))));
        fs.setPermission(file, new FsPermission((short) 0755));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b/part-0"))));
        assertTrue(Files.exists(dir.resolve("a/b/.part-0.crc")), "checksummed as Hadoop's local file system is");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(DirectLocalFileSystem.Raw.posix((short) 0644)));
        assertEquals("rwx------", PosixFilePermissions.toString(DirectLocalFileSystem.Raw.posix((short) 0700)));
        // a sticky bit goes Hadoop's way (chmod), which keeps it
        Path sticky = new Path(dir.toUri().toString(), "a/sticky");
        fs.mkdirs(sticky);
        fs.setPermission(sticky, new FsPermission((short) 01777));
        assertTrue(fs.getFileStatus(sticky).getPermission().getStickyBit());
        assertThrows(java.io.IOException.class, () -> fs.setPermission(new Path(dir.toUri().toString(), "missing"), new FsPermission((short) 0644)));
    }

    @Test
    void linksAreReadAsHadoopReadsThem(@TempDir java.nio.file.Path dir) throws Exception {
        FileSystem fs = FileSystem.get(dir.toUri(), conf());
        org.apache.hadoop.fs.RawLocalFileSystem hadoops = new org.apache.hadoop.fs.RawLocalFileSystem();
        hadoops.initialize(dir.toUri(), new Configuration(false));
        Files.writeString(dir.resolve("target.txt"), "x");
        Files.createSymbolicLink(dir.resolve("link.txt"), dir.resolve("target.txt"));
        for (String name : java.util.List.of("target.txt", "link.txt", ".")) {
            Path path = new Path(dir.resolve(name).normalize().toUri());
            FileStatus mine = fs.getFileLinkStatus(path), theirs = hadoops.getFileLinkStatus(path);
            assertEquals(theirs.isSymlink(), mine.isSymlink(), name);
            assertEquals(theirs.isDirectory(), mine.isDirectory(), name);
            assertEquals(theirs.getLen(), mine.getLen(), name);
            assertEquals(theirs.getPath(), mine.getPath(), name);
            assertEquals(theirs.getModificationTime(), mine.getModificationTime(), name);
        }
        assertEquals(1, fs.getFileLinkStatus(new Path(dir.resolve("target.txt").toUri())).getLen());
        assertThrows(FileNotFoundException.class, () -> hadoops.getFileLinkStatus(new Path(dir.resolve("missing").toUri())));
        assertThrows(FileNotFoundException.class, () -> fs.getFileLinkStatus(new Path(dir.resolve("missing").toUri())));
    }

    @Test
    void fileContextRenamesOverAnExistingFile(@TempDir java.nio.file.Path dir) throws Exception {
        Files.writeString(dir.resolve("staged"), "new");
        Files.writeString(dir.resolve("CURRENT"), "old");
        FileContext context = FileContext.getFileContext(dir.toUri(), conf());
        context.rename(new Path(dir.resolve("staged").toUri()), new Path(dir.resolve("CURRENT").toUri()), Options.Rename.OVERWRITE);
        assertEquals("new", Files.readString(dir.resolve("CURRENT")));
        assertFalse(Files.exists(dir.resolve("staged")));
    }
}
