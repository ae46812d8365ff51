package dev.lawfit.fit;

import dev.lawfit.law.Points;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of a group's points (in canonical order) and the settings of a law's fit, as hex. */
public final class Fingerprint {

    private Fingerprint() {
    }

    public static String of(Points points, String settings) {
        MessageDigest sha = sha256();
        ByteBuffer buffer = ByteBuffer.allocate(5 * Double.BYTES);
        for (int i = 0; i < points.size(); i++) {
            buffer.clear();
            buffer.putDouble(points.params()[i]).putDouble(points.tokens()[i]).putDouble(points.flops()[i])
                    .putDouble(points.loss()[i]).putDouble(points.steps()[i]);
            sha.update(buffer.array());
            sha.update(points.runIds()[i].getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        sha.update(settings.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }

    /** SHA-256 of a text (UTF-8), as hex. */
    public static String ofText(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
