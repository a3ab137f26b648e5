/* An RTC wake alarm for 2031-05-17 12:34:56 UTC, set disabled and read
 * back: the kernel keeps the alarm as a ktime_t and rtc_read_alarm()
 * turns it into a struct rtc_time with rtc_ktime_to_tm(), which returns
 * that 36-byte struct by value. */
#include <fcntl.h>
#include <linux/rtc.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(void)
{
	struct rtc_wkalrm set = {
		.enabled = 0,
		.time = { .tm_year = 131, .tm_mon = 4, .tm_mday = 17,
			  .tm_hour = 12, .tm_min = 34, .tm_sec = 56 },
	}, got;
	int fd = open("/dev/rtc0", O_RDONLY);

	if (fd < 0) {
		perror("/dev/rtc0");
		return 1;
	}
	if (ioctl(fd, RTC_WKALM_SET, &set) != 0) {
		perror("RTC_WKALM_SET");
		return 1;
	}
	if (ioctl(fd, RTC_WKALM_RD, &got) != 0) {
		perror("RTC_WKALM_RD");
		return 1;
	}
	close(fd);
	return 0;
}
