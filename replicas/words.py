"""Word banks for the replica corpus: places, people, roles and topic phrases.

Plain data, written for this project. Text is NFC; the corpus normalises again.
"""

from __future__ import annotations

SURNAMES = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Bùi",
    "Đinh",
    "Hà",
    "Quách",
    "Đặng",
    "Vũ",
    "Ngô",
    "Đỗ",
    "Lương",
    "Trịnh",
    "Mai",
    "Cao",
    "Tạ",
)
MIDDLE = ("Văn", "Thị", "Đức", "Quang", "Minh", "Thanh", "Hữu", "Ngọc", "Xuân", "Tiến", "Thu")
GIVEN = (
    "Hùng",
    "Mai",
    "Thắng",
    "Chung",
    "Lan",
    "Dũng",
    "Hạnh",
    "Tuấn",
    "Hương",
    "Long",
    "Phương",
    "Sơn",
    "Hòa",
    "Thủy",
    "Nam",
    "Trang",
    "Khánh",
    "Bình",
    "Yến",
    "Cường",
)

DISTRICTS = {
    "hoa-binh": (
        "Lạc Sơn",
        "Mai Châu",
        "Kim Bôi",
        "Tân Lạc",
        "Lương Sơn",
        "Cao Phong",
        "Đà Bắc",
        "Yên Thủy",
        "Lạc Thủy",
    ),
    "vinh-phuc": (
        "Vĩnh Tường",
        "Tam Dương",
        "Lập Thạch",
        "Bình Xuyên",
        "Yên Lạc",
        "Sông Lô",
        "Tam Đảo",
    ),
    "phu-tho": (
        "Thanh Sơn",
        "Lâm Thao",
        "Cẩm Khê",
        "Đoan Hùng",
        "Hạ Hòa",
        "Phù Ninh",
        "Tam Nông",
        "Thanh Thủy",
    ),
    "thanh-hoa": (
        "Thọ Xuân",
        "Hoằng Hóa",
        "Nga Sơn",
        "Quảng Xương",
        "Ngọc Lặc",
        "Triệu Sơn",
        "Hậu Lộc",
        "Như Thanh",
    ),
    "ha-noi": (
        "Ba Vì",
        "Sóc Sơn",
        "Đông Anh",
        "Gia Lâm",
        "Thường Tín",
        "Mỹ Đức",
        "Chương Mỹ",
        "Thanh Oai",
    ),
}
PROVINCE_SHORT = {
    "hoa-binh": "Hòa Bình",
    "vinh-phuc": "Vĩnh Phúc",
    "phu-tho": "Phú Thọ",
    "thanh-hoa": "Thanh Hóa",
    "ha-noi": "Hà Nội",
}
ADDRESSES = (
    "số 2 đường Trần Hưng Đạo",
    "số 15 đường Lê Lợi",
    "số 8 đường Hùng Vương",
    "số 37 phố Điện Biên Phủ",
    "số 120 đường Nguyễn Trãi",
    "số 4 đường Cù Chính Lan",
)
ROLES_DEPT = ("Giám đốc Sở", "Phó Giám đốc Sở", "Chánh Văn phòng Sở", "Chánh Thanh tra Sở")
ROLES_PROV = ("Phó Chủ tịch UBND tỉnh", "Chủ tịch UBND tỉnh", "Phó Bí thư Tỉnh ủy")
ROOMS = (
    "Phòng Quản lý thương mại",
    "Phòng Kế hoạch - Tài chính",
    "Phòng Quản lý công nghiệp",
    "Phòng Nghiệp vụ",
    "Văn phòng Sở",
    "Phòng Tổ chức cán bộ",
)

# topic -> (subjects, indicators, entities, actions)
TOPICS: dict[str, dict[str, tuple[str, ...]]] = {
    "cong-thuong": {
        "subjects": (
            "phát triển công nghiệp hỗ trợ",
            "xúc tiến thương mại",
            "quản lý thị trường",
            "khuyến công địa phương",
            "phát triển thương mại điện tử",
            "tiêu thụ nông sản",
            "an toàn hóa chất",
            "sử dụng năng lượng tiết kiệm và hiệu quả",
            "Chương trình Mỗi xã một sản phẩm (OCOP)",
            "chống buôn lậu, gian lận thương mại",
            "phát triển chợ nông thôn",
            "bình ổn thị trường dịp Tết",
        ),
        "indicators": (
            "chỉ số sản xuất công nghiệp (IIP)",
            "tổng mức bán lẻ hàng hóa và doanh thu dịch vụ",
            "kim ngạch xuất khẩu",
            "kim ngạch nhập khẩu",
            "sản lượng điện thương phẩm",
        ),
        "entities": (
            "cụm công nghiệp",
            "doanh nghiệp xuất khẩu",
            "chợ truyền thống",
            "sản phẩm OCOP",
            "cửa hàng xăng dầu",
            "siêu thị",
        ),
        "actions": (
            "kiểm tra, kiểm soát thị trường",
            "hỗ trợ doanh nghiệp tìm kiếm đơn hàng",
            "kết nối cung cầu hàng hóa",
            "thu hút đầu tư vào các cụm công nghiệp",
            "tuyên truyền Cuộc vận động Người Việt Nam ưu tiên dùng hàng Việt Nam",
        ),
    },
    "tai-chinh": {
        "subjects": (
            "quản lý, sử dụng ngân sách nhà nước",
            "giải ngân vốn đầu tư công",
            "công khai ngân sách",
            "quyết toán vốn dự án hoàn thành",
            "quản lý giá",
            "thực hành tiết kiệm, chống lãng phí",
            "sắp xếp lại nhà, đất công",
        ),
        "indicators": (
            "thu ngân sách nhà nước",
            "chi ngân sách địa phương",
            "giải ngân vốn đầu tư công",
            "thu nội địa",
        ),
        "entities": ("dự án đầu tư công", "đơn vị dự toán", "cơ sở nhà, đất", "hồ sơ quyết toán"),
        "actions": (
            "đôn đốc giải ngân vốn đầu tư công",
            "thẩm tra quyết toán đúng thời hạn",
            "tăng cường công tác quản lý giá",
            "rà soát các khoản chi thường xuyên",
        ),
    },
    "y-te": {
        "subjects": (
            "tiêm chủng mở rộng",
            "phòng, chống sốt xuất huyết",
            "an toàn thực phẩm",
            "khám chữa bệnh bảo hiểm y tế",
            "chăm sóc sức khỏe người cao tuổi",
            "phòng, chống dịch bệnh mùa mưa",
            "y tế cơ sở",
        ),
        "indicators": (
            "tỷ lệ tiêm chủng đầy đủ",
            "số ca mắc sốt xuất huyết",
            "số lượt khám chữa bệnh",
            "tỷ lệ bao phủ bảo hiểm y tế",
        ),
        "entities": (
            "trạm y tế xã",
            "bệnh viện tuyến huyện",
            "cơ sở kinh doanh thực phẩm",
            "bác sĩ gia đình",
        ),
        "actions": (
            "giám sát chặt chẽ các ổ dịch",
            "nâng cao chất lượng khám chữa bệnh",
            "tuyên truyền kiến thức an toàn thực phẩm",
            "bổ sung trang thiết bị y tế",
        ),
    },
    "nong-nghiep": {
        "subjects": (
            "xây dựng nông thôn mới",
            "phòng, chống thiên tai",
            "trồng rừng gỗ lớn",
            "chuyển đổi cơ cấu cây trồng",
            "phòng, chống dịch tả lợn châu Phi",
            "quản lý tài nguyên nước",
            "bảo vệ môi trường làng nghề",
        ),
        "indicators": (
            "diện tích gieo trồng",
            "sản lượng lương thực",
            "diện tích rừng trồng mới",
            "số xã đạt chuẩn nông thôn mới",
        ),
        "entities": (
            "hợp tác xã nông nghiệp",
            "vùng trồng có mã số",
            "công trình thủy lợi",
            "trang trại chăn nuôi",
        ),
        "actions": (
            "hướng dẫn nông dân chăm sóc cây trồng",
            "tu sửa công trình thủy lợi",
            "kiểm tra vật tư nông nghiệp",
            "nhân rộng mô hình sản xuất hiệu quả",
        ),
    },
    "giao-duc": {
        "subjects": (
            "tuyển sinh vào lớp 10",
            "thi tốt nghiệp trung học phổ thông",
            "chuyển đổi số trong giáo dục",
            "bồi dưỡng học sinh giỏi",
            "an toàn trường học",
        ),
        "indicators": (
            "tỷ lệ tốt nghiệp",
            "số học sinh đạt giải quốc gia",
            "tỷ lệ trường đạt chuẩn quốc gia",
        ),
        "entities": ("trường trung học phổ thông", "điểm thi", "giáo viên cốt cán", "phòng học"),
        "actions": (
            "rà soát cơ sở vật chất",
            "tập huấn cán bộ coi thi",
            "đẩy mạnh dạy học trực tuyến",
            "bảo đảm an ninh, an toàn kỳ thi",
        ),
    },
    "khoa-hoc-cong-nghe": {
        "subjects": (
            "chuyển đổi số",
            "đổi mới sáng tạo",
            "sở hữu trí tuệ",
            "tiêu chuẩn đo lường chất lượng",
            "ứng dụng tiến bộ khoa học kỹ thuật",
            "an toàn thông tin mạng",
            "phát triển chính quyền số",
        ),
        "indicators": (
            "tỷ lệ hồ sơ trực tuyến toàn trình",
            "số nhiệm vụ khoa học được nghiệm thu",
            "số văn bằng bảo hộ được cấp",
        ),
        "entities": (
            "nhiệm vụ khoa học",
            "doanh nghiệp khoa học và công nghệ",
            "tổ công nghệ số cộng đồng",
            "nền tảng số",
        ),
        "actions": (
            "hỗ trợ doanh nghiệp đổi mới công nghệ",
            "phổ cập kỹ năng số cho người dân",
            "bảo đảm an toàn thông tin",
            "đẩy mạnh thanh toán không dùng tiền mặt",
        ),
    },
    "giao-thong-xay-dung": {
        "subjects": (
            "quản lý trật tự xây dựng",
            "phát triển nhà ở xã hội",
            "quy hoạch đô thị",
            "chất lượng công trình xây dựng",
            "quản lý vật liệu xây dựng",
        ),
        "indicators": (
            "tỷ lệ đô thị hóa",
            "diện tích nhà ở bình quân",
            "số giấy phép xây dựng được cấp",
        ),
        "entities": ("công trình xây dựng", "dự án nhà ở", "đồ án quy hoạch", "mỏ vật liệu"),
        "actions": (
            "kiểm tra chất lượng công trình",
            "rà soát quy hoạch chung",
            "xử lý vi phạm trật tự xây dựng",
            "công bố giá vật liệu xây dựng",
        ),
    },
    "cai-cach-hanh-chinh": {
        "subjects": (
            "cải cách thủ tục hành chính",
            "phổ biến, giáo dục pháp luật",
            "dịch vụ công trực tuyến",
            "trợ giúp pháp lý",
            "xây dựng văn bản quy phạm pháp luật",
        ),
        "indicators": (
            "tỷ lệ hồ sơ giải quyết đúng hạn",
            "chỉ số cải cách hành chính (PAR Index)",
            "chỉ số hài lòng (SIPAS)",
        ),
        "entities": (
            "thủ tục hành chính",
            "hồ sơ trực tuyến",
            "báo cáo viên pháp luật",
            "bộ phận một cửa",
        ),
        "actions": (
            "rà soát, đơn giản hóa thủ tục hành chính",
            "số hóa hồ sơ, kết quả giải quyết",
            "tăng cường kỷ luật, kỷ cương hành chính",
            "tiếp nhận, xử lý phản ánh kiến nghị",
        ),
    },
}

TITLE_PATTERNS = (
    "Hội nghị tổng kết công tác {subject} năm {year}",
    "Tập huấn nâng cao năng lực {subject} cho cán bộ cơ sở",
    "Kiểm tra việc thực hiện {subject} tại huyện {district}",
    "{province} đẩy mạnh {subject} trong {period}",
    "Triển khai kế hoạch {subject} giai đoạn 2021 - 2025",
    "Hội thảo về {subject}: thực trạng và giải pháp",
    "Đoàn công tác của {org} làm việc tại huyện {district} về {subject}",
    "Kết quả {subject} {period_year}",
    "Sơ kết {period} thực hiện {subject}",
    "Tăng cường {subject} trên địa bàn tỉnh {province}",
    "Giao ban công tác {subject} quý {quarter} năm {year}",
    "Tọa đàm {subject} với doanh nghiệp và người dân",
)
PERIODS = ("6 tháng đầu năm", "9 tháng đầu năm", "quý I", "tháng cao điểm", "những tháng cuối năm")
EVENTS = ("hội nghị", "buổi làm việc", "hội thảo", "lớp tập huấn", "cuộc họp giao ban")

TITLE_PREFIXES = ("{province}: ", "Tin từ cơ sở: ", "")
TITLE_REWORDS = (
    ("Hội nghị", "Hội nghị"),
    ("Tập huấn", "Mở lớp tập huấn"),
    ("Kiểm tra", "Đoàn kiểm tra"),
    ("đẩy mạnh", "tích cực đẩy mạnh"),
    ("Triển khai", "Tổ chức triển khai"),
    ("Tăng cường", "Tiếp tục tăng cường"),
    ("Kết quả", "Nhiều kết quả tích cực trong"),
    ("Sơ kết", "Sơ kết, đánh giá"),
    ("Hội thảo về", "Hội thảo khoa học về"),
)
