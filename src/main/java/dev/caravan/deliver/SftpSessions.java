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
import java.util.Properties;

/**
 * The SSH sessions to one SFTP server, kept between files (a handshake per file would cost more
 * than the file) and shared by the threads that deliver and verify: logging in, running a command,
 * making folders. What a copy's proof is lives in {@link SftpVerifier}.
 */
public final class SftpSessions implements AutoCloseable {

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

  private final Server server;
  // kept connections, one per caller at a time: several deliveries read back at once
  private final java.util.concurrent.ConcurrentLinkedDeque<Connection> idle =
      new java.util.concurrent.ConcurrentLinkedDeque<>();

  /** An SSH session and its SFTP channel, kept between files. */
  record Connection(Session session, ChannelSftp sftp) {
    boolean alive() {
      return session.isConnected() && sftp.isConnected();
    }

    void close() {
      sftp.disconnect();
      session.disconnect();
    }
  }

  public SftpSessions(Server server) {
    this.server = server;
  }

  public Server server() {
    return server;
  }

  /** Work on one kept connection. */
  interface Work<T> {
    T on(Connection c) throws IOException;
  }

  /** Runs {@code work} on a kept connection; one that failed midway is closed, not reused. */
  <T> T using(Work<T> work) throws IOException {
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

  /**
   * What a command printed, or null when it printed nothing useful: no exec channel, no shell,
   * command not found, or failed. Exit status 1 with output still counts: sha256sum says 1 when one
   * file of many is missing, and the others are hashed.
   */
  String exec(Session session, String command) {
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
}
