package dev.caravan.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * A real Kafka broker (KRaft: broker and controller in one node) in the test's JVM, on 127.0.0.1,
 * its log in a folder of the test. It can be stopped and started again on the same log.
 */
public final class KafkaTestBroker implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final int controllerPort;
  private KafkaRaftServer server;

  public KafkaTestBroker(Path dir) throws Exception {
    this.dir = Files.createDirectories(dir);
    this.port = freePort();
    this.controllerPort = freePort();
    Path properties = dir.resolve("server.properties");
    try (var out = Files.newBufferedWriter(properties)) {
      config().store(out, "test broker");
    }
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    int exit =
        kafka.tools.StorageTool.execute(
            new String[] {
              "format",
              "-t",
              "caravan-test-cluster0",
              "-c",
              properties.toString(),
              "--ignore-formatted"
            },
            new PrintStream(said, true, StandardCharsets.UTF_8));
    if (exit != 0) {
      throw new IllegalStateException(
          "kafka-storage format: " + said.toString(StandardCharsets.UTF_8));
    }
    start();
  }

  /** host:port of the PLAINTEXT listener. */
  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  public synchronized void start() {
    server = new KafkaRaftServer(KafkaConfig.fromProps(config()), Time.SYSTEM);
    server.startup();
  }

  public synchronized void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  private Properties config() {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dir.resolve("log").toString());
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "true");
    return p;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
