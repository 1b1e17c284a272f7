package dev.caravan.deliver;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpException;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Proves a copy on an SFTP server by reading it back (over {@link SftpSessions}): {@code sha256sum}
 * over an SSH exec channel when the server gives a shell, else (chroot, {@code internal-sftp}, no
 * exec) the file read back over SFTP and hashed here. The result names the method used. Size alone
 * never verifies anything.
 */
public final class SftpVerifier implements AutoCloseable {

  /** How verification was done, as recorded in the ledger. */
  public static final String EXEC_SHA256 = "ssh-sha256sum",
      EXEC_OPENSSL = "ssh-openssl-sha256",
      READ_BACK = "sftp-read-back";

  /** The SHA-256 of copies, computed on the server by one command, and the method (command). */
  public record Proofs(String method, java.util.Map<String, String> sha256s) {
    static final Proofs NONE = new Proofs(null, java.util.Map.of());
  }

  private static final Pattern SHA256SUM = Pattern.compile("^([0-9a-fA-F]{64})\\s");
  // "HASH  NAME", or "\\HASH  NAME" with the name escaped; " *" marks binary mode on some systems
  private static final Pattern SHA256SUM_LINE =
      Pattern.compile("^(\\\\)?([0-9a-fA-F]{64}) [ *](.*)$");

  private final SftpSessions sessions;
  private final SftpSessions.Server server;
  private volatile boolean noShell;
  // whether the server has openssl (asked once); null until then
  private volatile Boolean openssl;

  public SftpVerifier(SftpSessions sessions) {
    this.sessions = sessions;
    this.server = sessions.server();
  }

  /** With sessions of its own, ended by {@link #close}. */
  public SftpVerifier(SftpSessions.Server server) {
    this(new SftpSessions(server));
  }

  public SftpSessions sessions() {
    return sessions;
  }

  /** Ends the kept connections. */
  @Override
  public void close() {
    sessions.close();
  }

  /** What the server holds at a path: its SHA-256 and size, and how that was learned. */
  public record Copy(String sha256, long size, String method) {}

  /** Reads back the file at {@code remotePath} (absolute, or relative to the login folder). */
  public Copy read(String remotePath) throws IOException {
    return find(remotePath)
        .orElseThrow(
            () ->
                new IOException(
                    "cannot stat " + remotePath + " on " + server.host() + ": no such file"));
  }

  /** Like {@link #read}, but empty when there is no file at the path. Safe from many threads. */
  public java.util.Optional<Copy> find(String remotePath) throws IOException {
    return sessions.using(c -> find(c, remotePath));
  }

  private java.util.Optional<Copy> find(SftpSessions.Connection c, String remotePath)
      throws IOException {
    Long size = size(c.sftp(), remotePath);
    if (size == null) {
      return java.util.Optional.empty();
    }
    String viaExec = noShell ? null : execSha256(c.session(), remotePath);
    // a server without a shell (internal-sftp, chroot) stays so: stop asking it
    noShell = viaExec == null;
    if (viaExec != null) {
      return java.util.Optional.of(new Copy(viaExec, size, EXEC_SHA256));
    }
    return java.util.Optional.of(new Copy(readBack(c.sftp(), remotePath), size, READ_BACK));
  }

  /**
   * The SHA-256 of each file, from one {@code openssl dgst -sha256} (else {@code sha256sum}) run on
   * the server for all of them: one SSH exec (a shell and two processes on the server) per batch
   * instead of per file. Paths the server did not hash (gone, unreadable) are absent; there are
   * none when the server has no shell, and then each copy is read back on its own.
   */
  public Proofs hashAll(java.util.List<String> remotePaths) throws IOException {
    if (noShell || remotePaths.isEmpty()) {
      return Proofs.NONE;
    }
    StringBuilder files = new StringBuilder(" --");
    remotePaths.forEach(p -> files.append(' ').append(shellQuote(p)));
    // openssl's SHA-256 uses the CPU's SHA instructions, sha256sum (coreutils) does not: about 4
    // times faster on the server (bench/README.md). Its output does not escape names, so it is
    // only asked about names without a backslash or line break (Layout never makes one).
    boolean plain =
        remotePaths.stream()
            .noneMatch(p -> p.indexOf('\\') >= 0 || p.indexOf('\n') >= 0 || p.indexOf('\r') >= 0);
    boolean viaOpenssl = plain && hasOpenssl();
    String command = viaOpenssl ? "openssl dgst -sha256 -r" : "sha256sum";
    String out = sessions.using(c -> sessions.exec(c.session(), command + files));
    if (out == null) {
      // no shell, or none of the files there: each copy is then looked at on its own (which tells
      // the two apart)
      return Proofs.NONE;
    }
    java.util.Map<String, String> hashes = new java.util.HashMap<>();
    for (String line : out.split("\n")) {
      Matcher m = SHA256SUM_LINE.matcher(line);
      if (m.matches()) {
        String path = m.group(1) == null ? m.group(3) : unescape(m.group(3));
        hashes.put(path, m.group(2).toLowerCase());
      }
    }
    return new Proofs(viaOpenssl ? EXEC_OPENSSL : EXEC_SHA256, hashes);
  }

  private boolean hasOpenssl() throws IOException {
    Boolean known = openssl;
    if (known == null) {
      String version = sessions.using(c -> sessions.exec(c.session(), "openssl version"));
      known = version != null && version.startsWith("OpenSSL");
      openssl = known;
    }
    return known;
  }

  /**
   * sha256sum writes a name holding a backslash or newline escaped, its line then starts with \.
   */
  private static String unescape(String name) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      if (ch == '\\' && i + 1 < name.length()) {
        char next = name.charAt(++i);
        out.append(next == 'n' ? '\n' : next == 'r' ? '\r' : next);
      } else {
        out.append(ch);
      }
    }
    return out.toString();
  }

  /** The size of the file at {@code path}, or null when there is none. */
  private Long size(ChannelSftp sftp, String path) throws IOException {
    try {
      return sftp.stat(path).getSize();
    } catch (SftpException e) {
      if (e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE) {
        return null;
      }
      throw new IOException(
          "cannot stat " + path + " on " + server.host() + ": " + e.getMessage(), e);
    }
  }

  /** The hash from {@code sha256sum}, or null when the server runs no such command. */
  private String execSha256(Session session, String path) {
    String out = sessions.exec(session, "sha256sum -- " + shellQuote(path));
    Matcher m = out == null ? null : SHA256SUM.matcher(out);
    return m != null && m.find() ? m.group(1).toLowerCase() : null;
  }

  private String readBack(ChannelSftp sftp, String path) throws IOException {
    try (InputStream in = new DigestInputStream(sftp.get(path), sha256())) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (SftpException e) {
      throw new IOException(
          "cannot read back " + path + " from " + server.host() + ": " + e.getMessage(), e);
    }
  }

  /** Single-quotes for a POSIX shell: any byte is safe inside, a quote is closed and escaped. */
  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
