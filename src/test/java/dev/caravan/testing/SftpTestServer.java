package dev.caravan.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.AbstractCommandSupport;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A real SFTP server (Apache MINA SSHD) in the test JVM on a free loopback port, serving {@code
 * root} to one user with a password. With {@code shell}, it also runs {@code sha256sum} and {@code
 * openssl dgst} over SSH exec, the real binaries on files under the root (what a server with a
 * shell offers); without, exec is refused, like a chrooted {@code internal-sftp} account.
 */
public final class SftpTestServer implements AutoCloseable {

  public static final String USER = "caravan", PASSWORD = "s3cret-pass";

  private final SshServer sshd;
  private volatile java.security.PublicKey authorizedKey;
  private final Path root;
  private volatile boolean openssl = true;

  public SftpTestServer(Path root, Path hostKey, boolean shell) throws IOException {
    this(root, hostKey, shell, 0);
  }

  /** On a given port (0: a free one), e.g. to start again where a stopped server was. */
  public SftpTestServer(Path root, Path hostKey, boolean shell, int port) throws IOException {
    this.root = root;
    sshd = SshServer.setUpDefaultServer();
    sshd.setHost("127.0.0.1");
    sshd.setPort(port);
    // without it JSch and MINA stall on Nagle and delayed ACKs
    CoreModuleProperties.TCP_NODELAY.set(sshd, true);
    sshd.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(hostKey));
    sshd.setPasswordAuthenticator(
        (user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
    sshd.setPublickeyAuthenticator(
        (user, key, session) ->
            USER.equals(user) && authorizedKey != null && authorizedKey.equals(key));
    sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
    sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
    if (shell) {
      sshd.setCommandFactory(new HashCommands());
    }
    sshd.start();
  }

  /**
   * Makes a client key pair (RSA, written in the PEM format JSch reads) whose public half this
   * server accepts for {@link #USER}; returns the private key file.
   */
  public Path authorizeNewKey(Path privateKeyFile) throws Exception {
    com.jcraft.jsch.KeyPair pair =
        com.jcraft.jsch.KeyPair.genKeyPair(
            new com.jcraft.jsch.JSch(), com.jcraft.jsch.KeyPair.RSA, 2048);
    pair.writePrivateKey(privateKeyFile.toString());
    authorizedKey =
        new org.apache.sshd.common.util.buffer.ByteArrayBuffer(pair.getPublicKeyBlob())
            .getRawPublicKey();
    pair.dispose();
    return privateKeyFile;
  }

  /** A shell without openssl (then only sha256sum hashes files). */
  public SftpTestServer withoutOpenssl() {
    openssl = false;
    return this;
  }

  /** The host key this server presents. */
  public java.security.PublicKey hostKey() throws Exception {
    return sshd.getKeyPairProvider().loadKeys(null).iterator().next().getPublic();
  }

  public int port() {
    return sshd.getPort();
  }

  public void stop() throws IOException {
    sshd.stop(true);
  }

  @Override
  public void close() throws IOException {
    stop();
  }

  /** Undoes POSIX single quoting: {@code 'a'\\''b'} is {@code a'b}. */
  static String unquote(String s) {
    StringBuilder out = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (c == '\\' && !quoted && i + 1 < s.length()) {
        out.append(s.charAt(++i));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Splits POSIX shell words: single quotes and backslashes, as {@link #unquote} undoes them. */
  static java.util.List<String> words(String s) {
    java.util.List<String> words = new java.util.ArrayList<>();
    StringBuilder word = null;
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ' ' && !quoted) {
        if (word != null) {
          words.add(unquote(word.toString()));
          word = null;
        }
        continue;
      }
      if (word == null) {
        word = new StringBuilder();
      }
      if (c == '\'') {
        quoted = !quoted;
      } else if (c == '\\' && !quoted && i + 1 < s.length()) {
        word.append(c).append(s.charAt(++i));
        continue;
      }
      word.append(c);
    }
    if (word != null) {
      words.add(unquote(word.toString()));
    }
    return words;
  }

  /**
   * {@code sha256sum -- PATH...}, and unless {@link #withoutOpenssl} {@code openssl dgst -sha256 -r
   * -- PATH...} and {@code openssl version}, each PATH mapped into the served root and run by the
   * real binary (so its output, exit status and missing-file behaviour are the real ones); anything
   * else fails with 127, as a command the server does not have.
   */
  private final class HashCommands implements CommandFactory {
    @Override
    public Command createCommand(ChannelSession channel, String command) {
      return new AbstractCommandSupport(command, (CloseableExecutorService) null) {
        @Override
        public void run() {
          int code = 127;
          try {
            java.util.List<String> args = argv(command);
            if (args != null) {
              Process p = new ProcessBuilder(args).directory(root.toFile()).start();
              try (InputStream out = p.getInputStream()) {
                String text = new String(out.readAllBytes());
                code = p.waitFor();
                getOutputStream().write(text.getBytes());
                getOutputStream().flush();
              }
            }
          } catch (Exception e) {
            code = 1;
          }
          onExit(code);
        }
      };
    }

    private java.util.List<String> argv(String command) throws IOException {
      if (openssl && command.equals("openssl version")) {
        return List.of("openssl", "version");
      }
      String sha256sum = "sha256sum -- ", opensslDgst = "openssl dgst -sha256 -r -- ";
      for (String prefix : openssl ? List.of(sha256sum, opensslDgst) : List.of(sha256sum)) {
        if (command.startsWith(prefix)) {
          java.util.List<String> args = new java.util.ArrayList<>(words(prefix));
          for (String remote : words(command.substring(prefix.length()))) {
            Path local = root.resolve(remote.replaceFirst("^/+", "")).normalize();
            if (!local.startsWith(root)) {
              throw new IOException("outside the served root: " + remote);
            }
            // run in the served root: its output names the files as the client did
            args.add(root.relativize(local).toString());
          }
          return args;
        }
      }
      return null;
    }
  }
}
