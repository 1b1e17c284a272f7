package dev.caravan.deliver;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Proves a copy on an SFTP server by reading it back: {@code sha256sum} over an SSH exec channel
 * when the server gives a shell, else (chroot, {@code internal-sftp}, no exec) the file read back
 * over SFTP and hashed here. The result names the method used. Size alone never verifies anything.
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

  /**
   * Where the server is and how to log in.
   *
   * @param password null when a key is used
   * @param privateKey path of a private key file, or null
   * @param knownHosts path of a known_hosts file, or null (then host keys are not checked: tests
   *     only, say so in the configuration)
   */
  public record Server(
      String host,
      int port,
      String user,
      String password,
      String privateKey,
      String knownHosts,
      int timeoutMillis) {}

  /** What the server holds at a path: its SHA-256 and size, and how that was learned. */
  public record Copy(String sha256, long size, String method) {}

  private final Server server;
  // kept connections, one per caller at a time: several deliveries read back at once
  private final java.util.concurrent.ConcurrentLinkedDeque<Connection> idle =
      new java.util.concurrent.ConcurrentLinkedDeque<>();
  private volatile boolean noShell;
  // whether the server has openssl (asked once); null until then
  private volatile Boolean openssl;

  /** An SSH session and its SFTP channel, kept between files. */
  private record Connection(Session session, ChannelSftp sftp) {
    boolean alive() {
      return session.isConnected() && sftp.isConnected();
    }

    void close() {
      sftp.disconnect();
      session.disconnect();
    }
  }

  public SftpVerifier(Server server) {
    this.server = server;
  }

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
    return using(c -> find(c, remotePath));
  }

  private interface Work<T> {
    T on(Connection c) throws IOException;
  }

  /** Runs {@code work} on a kept connection; one that failed midway is closed, not reused. */
  private <T> T using(Work<T> work) throws IOException {
    Connection c = borrow();
    boolean reusable = false;
    try {
      T result = work.on(c);
      reusable = true;
      return result;
    } finally {
      if (reusable) {
        idle.push(c);
      } else {
        c.close();
      }
    }
  }

  private java.util.Optional<Copy> find(Connection c, String remotePath) throws IOException {
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
   * A kept connection (a handshake per file would cost more than the file), or a new one when none
   * is free; those the server dropped are closed on the way.
   */
  private Connection borrow() throws IOException {
    for (Connection c; (c = idle.poll()) != null; ) {
      if (c.alive()) {
        return c;
      }
      c.close();
    }
    Session session = connect();
    try {
      // opening a channel costs JSch tens of milliseconds of polling: one per connection
      ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
      sftp.connect(server.timeoutMillis());
      return new Connection(session, sftp);
    } catch (JSchException e) {
      session.disconnect();
      throw new IOException("no sftp channel on " + server.host() + ": " + e.getMessage(), e);
    }
  }

  /** Ends the kept connections. */
  @Override
  public void close() {
    for (Connection c; (c = idle.poll()) != null; ) {
      c.close();
    }
  }

  private Session connect() throws IOException {
    try {
      JSch jsch = new JSch();
      if (server.privateKey() != null) {
        jsch.addIdentity(server.privateKey());
      }
      Properties config = new Properties();
      if (server.knownHosts() != null) {
        jsch.setKnownHosts(server.knownHosts());
        config.put("StrictHostKeyChecking", "yes");
      } else {
        config.put("StrictHostKeyChecking", "no");
      }
      Session session = jsch.getSession(server.user(), server.host(), server.port());
      session.setSocketFactory(new NoDelaySockets(server.timeoutMillis()));
      if (server.password() != null) {
        session.setPassword(server.password());
      }
      session.setConfig(config);
      session.setTimeout(server.timeoutMillis());
      session.connect(server.timeoutMillis());
      return session;
    } catch (JSchException e) {
      throw new IOException(
          "cannot connect to sftp://"
              + server.user()
              + "@"
              + server.host()
              + ":"
              + server.port()
              + ": "
              + e.getMessage(),
          e);
    }
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
    String out = using(c -> exec(c.session(), command + files));
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
      String version = using(c -> exec(c.session(), "openssl version"));
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

  /** Makes the folder and any missing parents (like {@code mkdir -p}); relative to the login. */
  public void makeFolders(String dir) throws IOException {
    using(
        c -> {
          String path = dir.startsWith("/") ? "/" : "";
          for (String part : dir.split("/")) {
            if (!part.isEmpty()) {
              path += path.isEmpty() || path.endsWith("/") ? part : "/" + part;
              makeFolder(c.sftp(), path);
            }
          }
          return null;
        });
  }

  private void makeFolder(ChannelSftp sftp, String path) throws IOException {
    try {
      if (sftp.stat(path).isDir()) {
        return;
      }
      throw new IOException(path + " on " + server.host() + " is a file, not a folder");
    } catch (SftpException e) {
      if (e.id != ChannelSftp.SSH_FX_NO_SUCH_FILE) {
        throw new IOException(
            "cannot stat " + path + " on " + server.host() + ": " + e.getMessage(), e);
      }
    }
    try {
      sftp.mkdir(path);
    } catch (SftpException e) {
      // another upload made it meanwhile: fine if it is a folder now
      try {
        if (sftp.stat(path).isDir()) {
          return;
        }
      } catch (SftpException again) {
        e.addSuppressed(again);
      }
      throw new IOException(
          "cannot make folder " + path + " on " + server.host() + ": " + e.getMessage(), e);
    }
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
    String out = exec(session, "sha256sum -- " + shellQuote(path));
    Matcher m = out == null ? null : SHA256SUM.matcher(out);
    return m != null && m.find() ? m.group(1).toLowerCase() : null;
  }

  /**
   * What a command printed, or null when it printed nothing useful: no exec channel, no shell,
   * command not found, or failed. Exit status 1 with output still counts: sha256sum says 1 when one
   * file of many is missing, and the others are hashed.
   */
  private String exec(Session session, String command) {
    ChannelExec exec = null;
    try {
      exec = (ChannelExec) session.openChannel("exec");
      exec.setCommand(command);
      exec.setInputStream(null);
      InputStream out = exec.getInputStream();
      exec.connect(server.timeoutMillis());
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      out.transferTo(text);
      while (!exec.isClosed()) {
        Thread.sleep(5);
      }
      int status = exec.getExitStatus();
      return status == 0 || (status == 1 && text.size() > 0)
          ? text.toString(StandardCharsets.UTF_8)
          : null;
    } catch (JSchException | IOException e) {
      return null; // no exec channel, no shell: read back instead
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      if (exec != null) {
        exec.disconnect();
      }
    }
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

  /**
   * Sockets with TCP_NODELAY: SSH's many small request/answer round trips otherwise wait on Nagle's
   * algorithm and delayed ACKs.
   */
  private record NoDelaySockets(int timeoutMillis) implements com.jcraft.jsch.SocketFactory {
    @Override
    public java.net.Socket createSocket(String host, int port) throws IOException {
      java.net.Socket s = new java.net.Socket();
      s.setTcpNoDelay(true);
      s.connect(new java.net.InetSocketAddress(host, port), timeoutMillis);
      return s;
    }

    @Override
    public InputStream getInputStream(java.net.Socket socket) throws IOException {
      return socket.getInputStream();
    }

    @Override
    public java.io.OutputStream getOutputStream(java.net.Socket socket) throws IOException {
      return socket.getOutputStream();
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
