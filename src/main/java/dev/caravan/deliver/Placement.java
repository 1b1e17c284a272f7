package dev.caravan.deliver;

import dev.caravan.files.Layout;
import dev.caravan.ledger.Delivery;
import dev.caravan.ledger.Ledger;
import java.io.IOException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Where a delivery lands at a destination: the first of {@code DIR/NAME}, {@code DIR/NAME (2)}, …
 * (see {@link Layout}) that is free or already holds the same bytes (a retry). Other bytes are
 * never overwritten. Shared by every destination's {@code plan} step.
 */
public final class Placement {

  /** What a destination finds at a path. */
  public enum Found {
    NOTHING,
    SAME_BYTES,
    OTHER_BYTES
  }

  /** Looks at one path (relative to the destination's base). */
  public interface Probe {
    Found at(String relative) throws IOException;
  }

  /**
   * A delivery whose copy is at {@code relative} (uploaded, or found there already), waiting for
   * its proof; {@code provenSha256} is the destination's hash when a batch step fetched it, {@code
   * provenBy} the method that did.
   */
  public record Placed(Delivery delivery, String relative, String provenSha256, String provenBy) {
    /** With the destination's hash of the copy (null: none) and the method that got it. */
    public Placed withProof(String sha256, String method) {
      return new Placed(delivery, relative, sha256, sha256 == null ? null : method);
    }
  }

  /** Header holding the destination's hash of the copy, set from {@link Placed#provenSha256}. */
  public static final String PROVEN_SHA256 = "CaravanProvenSha256";

  /** Header naming the method that got {@link #PROVEN_SHA256}, as recorded in the ledger. */
  public static final String PROVEN_BY = "CaravanProvenBy";

  private Placement() {}

  /** The route steps around a batch's proof (bean {@code placement}). */
  public static final class Steps {
    /** After the upload: the body becomes the {@link Placed} delivery, for a batch to prove. */
    public Placed placed(Exchange exchange) {
      return new Placed(
          exchange.getProperty(Deliveries.DELIVERY, Delivery.class),
          exchange.getMessage().getHeader(ArchiveDestination.TARGET, String.class),
          null,
          null);
    }

    /** Before the proof is checked: the {@link Placed} body back to what {@code verify} reads. */
    public void unpack(Exchange exchange) throws org.apache.camel.InvalidPayloadException {
      Message m = exchange.getMessage();
      Placed p = m.getMandatoryBody(Placed.class);
      exchange.setProperty(Deliveries.DELIVERY, p.delivery());
      m.setHeader(ArchiveDestination.TARGET, p.relative());
      m.setHeader(PROVEN_SHA256, p.provenSha256());
      m.setHeader(PROVEN_BY, p.provenBy());
    }
  }

  /**
   * Chooses the path for the {@link Delivery} in the body and prepares the exchange for the
   * destination's producer: {@code CamelFileName} and the target header set to the relative path,
   * {@code CaravanAlreadyThere} when the bytes are there already, the local artifact as the body.
   * Returns the relative path.
   */
  public static String choose(Exchange exchange, String destination, Ledger ledger, Probe probe)
      throws IOException, org.apache.camel.InvalidPayloadException {
    Message m = exchange.getMessage();
    Delivery d = m.getMandatoryBody(Delivery.class);
    // a name with folders (a Parquet partition) keeps them, each made safe; else the log's day
    int slash = d.name().lastIndexOf('/');
    String dir =
        slash < 0
            ? Layout.day(d.logStart())
            : java.util.Arrays.stream(d.name().substring(0, slash).split("/"))
                .map(Layout::safeName)
                .collect(java.util.stream.Collectors.joining("/"));
    String fileName = Layout.safeName(d.name().substring(slash + 1));
    for (int n = 1; ; n++) {
      String relative = dir + "/" + Layout.numbered(fileName, n);
      Found found = probe.at(relative);
      if (found != Found.OTHER_BYTES) {
        m.setHeader(ArchiveDestination.ALREADY_THERE, found == Found.SAME_BYTES);
        m.setHeader(Exchange.FILE_NAME, relative);
        m.setHeader(ArchiveDestination.TARGET, relative);
        if (n > 1) {
          ledger.event(
              d.fileId(),
              "renamed",
              destination
                  + ":"
                  + dir
                  + "/"
                  + fileName
                  + " holds other bytes; delivered as "
                  + relative);
        }
        m.setBody(d.local().toFile());
        return relative;
      }
    }
  }
}
