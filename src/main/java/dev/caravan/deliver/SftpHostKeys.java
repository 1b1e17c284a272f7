package dev.caravan.deliver;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchUnknownHostKeyException;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.UserInfo;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Says what to do when an SFTP server's host key is refused (unknown, or not the one recorded): the
 * host, the key's type and fingerprint (asked of the server by a key exchange that never logs in),
 * the known-hosts file, and the command that accepts it. Caravan never writes a known-hosts file
 * itself: accepting a key is the operator's act.
 */
public final class SftpHostKeys {

  private SftpHostKeys() {}

  /** Whether {@code error}'s causes hold a refused host key (unknown, or not the one recorded). */
  public static boolean refused(Throwable error) {
    return unknown(error) || changed(error);
  }

  private static boolean changed(Throwable error) {
    return inCauses(error, JSchChangedHostKeyException.class, "HostKey has been changed");
  }

  private static boolean unknown(Throwable error) {
    return inCauses(error, JSchUnknownHostKeyException.class, "UnknownHostKey");
  }

  /** A cause of this type, or whose message says so (Camel may rewrap JSch's exception). */
  private static boolean inCauses(Throwable error, Class<?> type, String text) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t) || String.valueOf(t.getMessage()).contains(text)) {
        return true;
      }
    }
    return false;
  }

  /** The message for a refused host key in {@code error}'s causes; empty for any other error. */
  public static Optional<String> explain(
      Throwable error, String host, int port, String knownHosts, int timeoutMillis) {
    if (!refused(error)) {
      return Optional.empty();
    }
    boolean changed = changed(error);
    String key = presented(host, port, timeoutMillis).orElse("(the server could not be asked)");
    String name = port == 22 ? host : "[" + host + "]:" + port;
    String scan = "ssh-keyscan -p " + port + " " + host + " >> " + knownHosts;
    return Optional.of(
        changed
            ? "SFTP server "
                + host
                + ":"
                + port
                + " presented host key "
                + key
                + ", not the one "
                + knownHosts
                + " records for it: refused (the server was reinstalled, or something is in"
                + " between). If the new key is the server's, replace the old one: ssh-keygen -R '"
                + name
                + "' -f "
                + knownHosts
                + " && "
                + scan
            : "SFTP server "
                + host
                + ":"
                + port
                + " presented host key "
                + key
                + ", which "
                + knownHosts
                + " does not hold: refused. If that is the server's key (compare with its"
                + " administrator's fingerprint), accept it: "
                + scan);
  }

  /** Recent answers by host:port, so a batch of refused uploads asks the server once. */
  private static final java.util.Map<String, Asked> ASKED =
      new java.util.concurrent.ConcurrentHashMap<>();

  private record Asked(long at, Optional<String> key) {}

  /** The key type and SHA-256 fingerprint the server offers (asked at most every 30 s). */
  static Optional<String> presented(String host, int port, int timeoutMillis) {
    long now = System.nanoTime();
    Asked a = ASKED.get(host + ":" + port);
    if (a == null || now - a.at() > 30_000_000_000L) {
      a = new Asked(now, ask(host, port, timeoutMillis));
      ASKED.put(host + ":" + port, a);
    }
    return a.key();
  }

  /** The key type and SHA-256 fingerprint the server offers, by a key exchange only. */
  private static Optional<String> ask(String host, int port, int timeoutMillis) {
    JSch jsch = new JSch();
    AtomicReference<String> seen = new AtomicReference<>();
    jsch.setHostKeyRepository(new Capture(jsch, seen));
    Session session = null;
    try {
      session = jsch.getSession("caravan-host-key-probe", host, port);
      session.setConfig("StrictHostKeyChecking", "yes");
      session.connect(timeoutMillis);
    } catch (JSchException e) {
      // expected: the capture refuses every key, so the exchange ends before any login
    } finally {
      if (session != null) {
        session.disconnect();
      }
    }
    return Optional.ofNullable(seen.get());
  }

  /** A host key repository that holds nothing and remembers the key it was shown. */
  private record Capture(JSch jsch, AtomicReference<String> seen) implements HostKeyRepository {

    @Override
    public int check(String host, byte[] key) {
      try {
        HostKey k = new HostKey(host, key);
        seen.set(k.getType() + " " + k.getFingerPrint(jsch));
      } catch (JSchException e) {
        seen.set("(a key JSch cannot read: " + e.getMessage() + ")");
      }
      return NOT_INCLUDED;
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {}

    @Override
    public void remove(String host, String type) {}

    @Override
    public void remove(String host, String type, byte[] key) {}

    @Override
    public String getKnownHostsRepositoryID() {
      return null;
    }

    @Override
    public HostKey[] getHostKey() {
      return new HostKey[0];
    }

    @Override
    public HostKey[] getHostKey(String host, String type) {
      return new HostKey[0];
    }
  }
}
