package dev.caravan.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Error classes from the exceptions the clients really throw (their own messages). */
class ErrorClassTest {

  private static S3Exception s3(int status, String code, String message) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .message(message)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(code)
                    .errorMessage(message)
                    .serviceName("S3")
                    .build())
            .build();
  }

  @Test
  void storesAnsweringFiveHundredsAreThrottledOrFailingOnTheirSide() {
    assertThat(ErrorClass.of(s3(503, "SlowDown", "Slow Down"))).isEqualTo(ErrorClass.THROTTLE);
    assertThat(ErrorClass.of(s3(429, "TooManyRequests", "Too Many")))
        .isEqualTo(ErrorClass.THROTTLE);
    assertThat(ErrorClass.of(s3(500, "InternalError", "We encountered an internal error")))
        .isEqualTo(ErrorClass.SERVER);
    assertThat(ErrorClass.of(s3(403, "AccessDenied", "Access Denied"))).isEqualTo(ErrorClass.AUTH);
    assertThat(ErrorClass.of(new IOException("wrap", s3(502, "BadGateway", "Bad Gateway"))))
        .isEqualTo(ErrorClass.SERVER);
  }

  @Test
  void localAndNetworkFailures() {
    assertThat(ErrorClass.of(new IOException("write failed: No space left on device")))
        .isEqualTo(ErrorClass.NO_SPACE);
    assertThat(ErrorClass.of(new IOException("x", new ConnectException("Connection refused"))))
        .isEqualTo(ErrorClass.CONNECTION);
    assertThat(ErrorClass.of(new IOException("something else"))).isEqualTo(ErrorClass.IO);
  }
}
