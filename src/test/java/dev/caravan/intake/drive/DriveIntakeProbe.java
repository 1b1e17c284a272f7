package dev.caravan.intake.drive;

import dev.caravan.ledger.Ledger;
import dev.caravan.testing.FakeDrive;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

/** The Drive intake's listing and download steps on a fake Drive, for the benchmark. */
public final class DriveIntakeProbe implements AutoCloseable {

  private final DriveSettings settings;
  private final DriveClients clients;
  private final Ledger ledger;
  private final DriveIntake intake;
  private final DefaultCamelContext camel = new DefaultCamelContext();

  public DriveIntakeProbe(FakeDrive fake, String folderId, Path tmp) throws Exception {
    settings =
        DriveSettings.from(
            dev.caravan.testing.Defaults.over(
                Map.of(
                    "caravan.drive.root-url", fake.rootUrl(),
                    "caravan.drive.folder-id", folderId,
                    "caravan.drive.service-account-key",
                        fake.serviceAccountKey(tmp.resolve("key.json")).toString())));
    clients = new DriveClients(settings);
    ledger = Ledger.open("jdbc:h2:file:" + tmp.resolve("ledger"), "", "");
    intake =
        new DriveIntake(
            clients.drive(), settings, ledger, tmp.resolve("landing"), Clock.systemUTC());
  }

  /** One complete listing (every page of every folder). */
  public List<DriveItem> listAll() throws DriveException {
    DriveListing listing = new DriveListing(clients.drive(), new DriveCalls(settings), settings);
    return listing.list(listing.folder()).files();
  }

  /** Downloads and checks each file; returns the bytes. */
  public long download(List<DriveItem> items) throws Exception {
    long bytes = 0;
    for (DriveItem item : items) {
      Exchange x = new DefaultExchange(camel);
      x.getMessage().setBody(item);
      intake.download(x);
      bytes += item.size();
      intake.discard(x);
    }
    return bytes;
  }

  @Override
  public void close() {
    ledger.close();
  }
}
