package dev.caravan.ledger;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Savepoint;
import java.util.concurrent.Callable;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The ledger's connections, and a way to make many ledger calls one commit: inside {@link #run},
 * every connection the calling thread takes from this data source is the same one, in one
 * transaction committed at the end (or rolled back if the work throws). A ledger method's own
 * transaction then becomes a savepoint in it: its rollback undoes its part only, as before, and its
 * commit waits for the end. Outside {@code run} nothing changes: each connection is the pool's.
 *
 * <p>Why: with H2 writing each commit before it returns, a commit is the largest cost of a small
 * file (about 1.2 ms of CPU, measured in {@code bench/LedgerCommits.java}), and a file took four at
 * intake. The intake's take route runs a file's landing, processing and outcome in one (see {@link
 * OneCommitPolicy}).
 */
public final class OneCommit implements DataSource {

  private final DataSource pool;
  private final ThreadLocal<Connection> bound = new ThreadLocal<>();

  public OneCommit(DataSource pool) {
    this.pool = pool;
  }

  /**
   * Runs {@code work} with this thread's ledger calls in one transaction: all of it is recorded at
   * the end, or none. Within a {@code run} or a {@link #begin} already, it is part of that one (a
   * savepoint in it: if the work throws, its part is undone, the rest kept).
   */
  public <T> T run(Callable<T> work) throws Exception {
    Connection open = bound.get();
    if (open != null) {
      // part of the bound transaction; a savepoint, so that failing undoes this part only
      Savepoint before = open.setSavepoint();
      T result;
      try {
        result = work.call();
      } catch (Exception | Error e) {
        try {
          open.rollback(before);
        } catch (SQLException r) {
          e.addSuppressed(r);
        }
        throw e;
      }
      open.releaseSavepoint(before);
      return result;
    }
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      bound.set(c);
      T result;
      try {
        result = work.call();
      } catch (Exception | Error e) {
        bound.remove();
        rollbackQuietly(c, e);
        throw e;
      }
      bound.remove();
      c.commit();
      return result;
    } finally {
      bound.remove();
    }
  }

  /**
   * Binds a connection to this thread until {@link #end}: its ledger calls until then are one
   * transaction, made durable by {@link #commitBound} (which begins the next one) or at the end; a
   * {@link #run} in between is a savepoint in it. For an intake's poll (see {@link PollBatch}).
   */
  public void begin() throws SQLException {
    if (bound.get() != null) {
      throw new IllegalStateException("this thread has a ledger transaction bound already");
    }
    Connection c = pool.getConnection();
    try {
      c.setAutoCommit(false);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    bound.set(c);
  }

  /** Commits the transaction {@link #begin} bound (rolled back if the commit fails). */
  public void commitBound() throws SQLException {
    Connection c = bound.get();
    if (c == null) {
      return;
    }
    try {
      c.commit();
    } catch (SQLException e) {
      rollbackQuietly(c, e);
      throw e;
    }
  }

  /** Ends what {@link #begin} bound: committed, or rolled back; its connection goes back. */
  public void end(boolean commit) throws SQLException {
    Connection c = bound.get();
    if (c == null) {
      return;
    }
    bound.remove();
    try (c) {
      if (commit) {
        try {
          c.commit();
        } catch (SQLException e) {
          rollbackQuietly(c, e);
          throw e;
        }
      } else {
        c.rollback();
      }
    }
  }

  /** Whether this thread's ledger calls are part of a {@link #run} now. */
  public boolean active() {
    return bound.get() != null;
  }

  private static void rollbackQuietly(Connection c, Throwable cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = bound.get();
    return c == null ? pool.getConnection() : nested(c);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    Connection c = bound.get();
    return c == null ? pool.getConnection(username, password) : nested(c);
  }

  /** The bound connection, as a caller that thinks it has a connection of its own sees it. */
  private static Connection nested(Connection c) {
    return (Connection)
        Proxy.newProxyInstance(
            OneCommit.class.getClassLoader(), new Class<?>[] {Connection.class}, new Nested(c));
  }

  /**
   * A caller's own transaction on the bound connection: after its {@code setAutoCommit(false)}, its
   * first statement opens a savepoint; its commit releases it (the work waits for the end of the
   * run), its rollback goes back to it, and the next statement opens another; closing gives the
   * connection back to the run, not to the pool, undoing what was left uncommitted. The savepoint
   * is opened only when a statement comes: on H2 each one is a statement of its own.
   */
  private static final class Nested implements InvocationHandler {
    private final Connection c;
    private boolean manual;
    private Savepoint savepoint;
    private boolean closed;

    Nested(Connection c) {
      this.c = c;
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
      switch (m.getName()) {
        case "close":
          if (!closed && savepoint != null) {
            c.rollback(savepoint); // left without a commit: undone, as a pool does
          }
          savepoint = null;
          closed = true;
          return null;
        case "isClosed":
          return closed || c.isClosed();
        case "getAutoCommit":
          return !manual;
        case "setAutoCommit":
          boolean auto = (Boolean) args[0];
          if (auto && savepoint != null) {
            c.releaseSavepoint(savepoint);
            savepoint = null;
          }
          manual = !auto;
          return null;
        case "commit":
          if (savepoint != null) {
            c.releaseSavepoint(savepoint);
            savepoint = null;
          }
          return null;
        case "rollback":
          if (args == null || args.length == 0) {
            if (savepoint != null) {
              c.rollback(savepoint);
              savepoint = null;
            }
            return null;
          }
          break;
        case "prepareStatement":
        case "createStatement":
        case "prepareCall":
        case "setSavepoint": // a caller's own savepoint comes after the one undoing its part
          if (closed) {
            throw new SQLException("connection closed");
          }
          if (manual && savepoint == null) {
            savepoint = c.setSavepoint();
          }
          break;
        case "unwrap":
        case "isWrapperFor":
          break;
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        default:
          if (closed) {
            throw new SQLException("connection closed");
          }
      }
      try {
        return m.invoke(c, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

  // --- the rest of DataSource, as the pool has it

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(this) ? iface.cast(this) : pool.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || pool.isWrapperFor(iface);
  }
}
