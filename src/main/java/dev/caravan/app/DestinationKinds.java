package dev.caravan.app;

import dev.caravan.deliver.ArchiveDestination;
import dev.caravan.deliver.CopyCheck;
import dev.caravan.deliver.CopyChecker;
import dev.caravan.deliver.DestinationConfig;
import dev.caravan.deliver.S3Destination;
import dev.caravan.deliver.S3Verifier;
import dev.caravan.deliver.SftpDestination;
import dev.caravan.deliver.SftpVerifier;
import dev.caravan.kafka.KafkaDestination;
import dev.caravan.ledger.Ledger;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Every kind of destination, made from its settings ({@code caravan.NAME.*}) in one place: for the
 * deliver routes' beans and, by the proof a copy recorded, for checking it again later. A new kind
 * is a class implementing {@code Destination}, its maker here and its proofs in {@link #make}.
 */
public final class DestinationKinds implements CopyChecker.Kinds {

  private final DestinationConfig config;
  private final Ledger ledger;
  private final Map<String, Function<String, CopyCheck>> byMethod = new HashMap<>();

  public DestinationKinds(DestinationConfig config, Ledger ledger) {
    this.config = config;
    this.ledger = ledger;
    register(ArchiveDestination.METHODS, this::archive);
    register(SftpDestination.METHODS, this::sftp);
    register(S3Destination.METHODS, this::s3);
    // its check needs no topics: a published copy is proven by the broker's acknowledgement
    register(Set.of(KafkaDestination.METHOD), name -> new KafkaDestination(ledger, Map.of(), 1));
  }

  private void register(Set<String> methods, Function<String, CopyCheck> make) {
    methods.forEach(m -> byMethod.put(m, make));
  }

  public ArchiveDestination archive(String name) {
    return new ArchiveDestination(name, config.archive(name), ledger);
  }

  public SftpDestination sftp(String name) {
    return new SftpDestination(
        name,
        config.sftpBase(name),
        new SftpVerifier(config.sftp(name)),
        ledger,
        config.bandwidth(name));
  }

  public S3Destination s3(String name) {
    return new S3Destination(
        name,
        config.s3Prefix(name),
        config.s3PartSize(name),
        config.s3UploadCutoff(name),
        config.s3ConditionalWrites(name),
        new S3Verifier(config.s3(name)),
        ledger,
        config.bandwidth(name));
  }

  @Override
  public CopyCheck make(String name, String method) {
    Function<String, CopyCheck> make = byMethod.get(method);
    return make == null ? null : make.apply(name);
  }
}
