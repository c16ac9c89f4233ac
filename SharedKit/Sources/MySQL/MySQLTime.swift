import CMySQL
import Foundation

/// Converts between `Date` (UTC) and `MYSQL_TIME` without `Calendar`, which is slow on a hot path.
enum MySQLTime {
    static func make(_ date: Date) -> MYSQL_TIME {
        let seconds = date.timeIntervalSince1970
        var whole = Int64(seconds.rounded(.down))
        var micros = Int64(((seconds - Double(whole)) * 1_000_000).rounded())
        if micros >= 1_000_000 {
            whole += 1
            micros -= 1_000_000
        }
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let secondOfDay = whole - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        var time = MYSQL_TIME()
        time.year = UInt32(y)
        time.month = UInt32(m)
        time.day = UInt32(d)
        time.hour = UInt32(secondOfDay / 3600)
        time.minute = UInt32((secondOfDay % 3600) / 60)
        time.second = UInt32(secondOfDay % 60)
        time.second_part = UInt(micros)
        time.neg = 0
        time.time_type = MYSQL_TIMESTAMP_DATETIME
        return time
    }

    static func date(_ time: MYSQL_TIME) -> Date {
        let days = daysFromCivil(Int64(time.year), Int64(time.month), Int64(time.day))
        let seconds = days * 86_400 + Int64(time.hour) * 3600 + Int64(time.minute) * 60 + Int64(time.second)
        return Date(timeIntervalSince1970: Double(seconds) + Double(time.second_part) / 1_000_000)
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    private static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }
}
