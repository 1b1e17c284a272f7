package dev.caravan.leader;

import dev.caravan.intake.Landing;
import dev.caravan.ledger.Ledger;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an app does when it becomes the leader, before its intakes poll: files the last leader (or
 * this app before a crash) left half-taken go back to be taken again, and its unfinished temporary
 * files in the landing folder are removed. Only the leader may do this: on another app's files in
 * progress it would be wrong.
 */
public final class TakeOver implements CamelClusterEventListener.Leadership {

  /** The cluster namespace of the routes that run on the leader only ({@code master:leader:…}). */
  public static final String NAMESPACE = "leader";

  private static final Logger LOG = LoggerFactory.getLogger(TakeOver.class);

  private final Ledger ledger;
  private final Landing landing;
  private boolean leading;

  public TakeOver(Ledger ledger, Landing landing) {
    this.ledger = ledger;
    this.landing = landing;
  }

  @Override
  public synchronized void leadershipChanged(CamelClusterView view, CamelClusterMember leader) {
    boolean now = view.getLocalMember().isLeader();
    if (now && !leading) {
      int interrupted = ledger.recoverInterrupted();
      if (interrupted > 0) {
        LOG.info("{} file(s) were left in progress; they will be taken again", interrupted);
      }
      try {
        landing.removeLeftovers();
      } catch (java.io.IOException e) {
        LOG.error("cannot clean the landing folder: {}", e.toString());
      }
    }
    leading = now;
  }
}
