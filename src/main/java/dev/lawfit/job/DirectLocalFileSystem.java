package dev.lawfit.job;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FsConstants;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.local.LocalConfigKeys;
import org.apache.hadoop.fs.permission.FsPermission;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Hadoop's local file system, minus a process per file. Without Hadoop's native library (an embedded Spark never has it)
 * {@link RawLocalFileSystem} sets every permission by starting {@code chmod} and reads every link by starting
 * {@code readlink}: a quickstart run started 180 processes, about 7 ms each, most of them while writing its tables (a
 * directory and a file per task, their checksum files, the commit's directories) and publishing (a {@code readlink} per
 * rename). Here a permission is set with {@link Files#setPosixFilePermissions} (the same chmod(2), in process) and a path
 * that is not a symbolic link is statted directly; a sticky bit, a file system without POSIX permissions and a symbolic
 * link go the way Hadoop goes. Used by embedded sessions only ({@link SparkSessions#start}): under spark-submit the
 * cluster's file systems are its own.
 */
public class DirectLocalFileSystem extends LocalFileSystem {

    /** The Hadoop keys this replaces the local file system under: FileSystem's and FileContext's. */
    public static final String FILE_SYSTEM_KEY = "fs.file.impl", FILE_CONTEXT_KEY = "fs.AbstractFileSystem.file.impl";

    public DirectLocalFileSystem() {
        super(new Raw());
    }

    /** The raw (checksum-less) local file system with permissions set and links checked in process. */
    public static class Raw extends RawLocalFileSystem {
        private static final PosixFilePermission[] BITS = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            java.nio.file.Path file = pathToFile(p).toPath();
            if (permission.getStickyBit() || !file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                super.setPermission(p, permission);
                return;
            }
            Files.setPosixFilePermissions(file, posix(permission.toShort()));
        }

        /** The rwx bits of a mode (e.g. 0644) as Java's permission set. */
        static Set<PosixFilePermission> posix(short mode) {
            Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
            for (int bit = 0; bit < BITS.length; bit++) if ((mode & (1 << bit)) != 0) set.add(BITS[bit]);
            return set;
        }

        @Override
        public FileStatus getFileLinkStatus(Path f) throws IOException {
            // Hadoop reads the link (a readlink process) and, when there is none, returns the file's status: the same here,
            // without the process; a missing path fails the same way (FileNotFoundException from getFileStatus)
            if (!Files.isSymbolicLink(pathToFile(f).toPath())) return getFileStatus(f);
            return super.getFileLinkStatus(f);
        }
    }

    /** The same for FileContext (a publish's renames), as Hadoop's {@code LocalFs} wraps its {@code RawLocalFs}. */
    public static class Context extends ChecksumFs {
        public Context(URI uri, Configuration conf) throws IOException, URISyntaxException {
            super(new RawContext(uri, conf));
        }
    }

    static final class RawContext extends DelegateToFileSystem {
        RawContext(URI uri, Configuration conf) throws IOException, URISyntaxException {
            super(uri, new Raw(), conf, FsConstants.LOCAL_FS_URI.getScheme(), false);
        }

        @Override
        public int getUriDefaultPort() {
            return -1; // as RawLocalFs: no port
        }

        @Override
        @SuppressWarnings("deprecation")
        public FsServerDefaults getServerDefaults() throws IOException {
            return LocalConfigKeys.getServerDefaults();
        }

        @Override
        public FsServerDefaults getServerDefaults(Path f) throws IOException {
            return LocalConfigKeys.getServerDefaults();
        }

        @Override
        public boolean isValidName(String src) {
            return true; // as RawLocalFs: any local name
        }
    }
}
